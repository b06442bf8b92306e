/** Reading the MySQL landing zone: connection settings from options, UTC sessions, JdbcIO sources. */
package com.coffeeshop.transforms.jdbc;
