/**
 * The rules of reference entities that silver's snapshots and gold's dimensions share: which version of an
 * entity is in force on a day ({@link com.coffeeshop.pipelines.medallion.reference.ReferenceHistory}) and how a
 * version is cleaned and checked ({@link com.coffeeshop.pipelines.medallion.reference.ReferenceRules}).
 */
package com.coffeeshop.pipelines.medallion.reference;
