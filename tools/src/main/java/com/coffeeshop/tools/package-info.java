/**
 * Command-line tools around the pipelines: database set-up, the reference-data loader and the order
 * generator. One entry point, {@link com.coffeeshop.pipelines.tools.CoffeeCli}.
 */
package com.coffeeshop.tools;
