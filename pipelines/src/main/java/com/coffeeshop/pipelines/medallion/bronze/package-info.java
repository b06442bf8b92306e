/** The bronze step: every row version MySQL committed, captured incrementally into Delta tables. */
package com.coffeeshop.pipelines.medallion.bronze;
