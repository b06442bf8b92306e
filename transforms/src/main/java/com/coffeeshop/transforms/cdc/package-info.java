/** Decoding Debezium change events (JSON without schemas) into typed rows, with dead letters. */
package com.coffeeshop.transforms.cdc;
