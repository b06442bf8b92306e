/**
 * The runnable Beam jobs, one class each with its Options: {@code suggestion} (unbounded),
 * {@code medallion} (the daily bronze, silver and gold steps), {@code revenue}; the option mixins they
 * share ({@code options}) and how they are launched ({@code launch}). Nothing here is an operator tool:
 * those live in the tools module, which depends on this one.
 */
package com.coffeeshop.pipelines;
