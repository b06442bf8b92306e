/**
 * Silver's validation and quarantine: cleaning bronze text into typed values ({@link
 * com.coffeeshop.transforms.validate.Clean}), routing a row that breaks a rule to quarantine with the
 * rule and its original values ({@link com.coffeeshop.transforms.validate.ValidateFn}, {@link
 * com.coffeeshop.transforms.validate.Quarantine}), dropping duplicate keys, and the per-run
 * data-quality report that checks rows in = valid + quarantined ({@link
 * com.coffeeshop.transforms.validate.DataQuality}).
 */
package com.coffeeshop.transforms.validate;
