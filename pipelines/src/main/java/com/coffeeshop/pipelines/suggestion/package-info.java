/** The unbounded real-time suggestion pipeline. */
package com.coffeeshop.pipelines.suggestion;
