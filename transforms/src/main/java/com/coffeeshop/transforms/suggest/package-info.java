/**
 * The suggestion rule (diamond customer, bank transfer, ACB), the pluggable pick of a product not
 * already in the order, the discount rule, and the idempotent record of the accepted suggestion.
 */
package com.coffeeshop.transforms.suggest;
