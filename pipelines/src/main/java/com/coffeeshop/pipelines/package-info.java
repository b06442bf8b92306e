/** The runnable pipelines (one class each, with its Options) and the command-line tools that feed them. */
package com.coffeeshop.pipelines;
