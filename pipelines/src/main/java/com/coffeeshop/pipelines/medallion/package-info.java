/** The daily medallion pipelines: MySQL → bronze → silver → gold Delta tables. */
package com.coffeeshop.pipelines.medallion;
