/**
 * The MySQL landing zone as DoFns and JDBC sources reach it: where it is ({@link
 * com.coffeeshop.transforms.jdbc.JdbcEndpoint}), secrets read on the worker, UTC sessions, retries.
 */
package com.coffeeshop.transforms.jdbc;
