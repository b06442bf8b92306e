/**
 * Data contracts declared once: the MySQL landing-zone DDL, the reference CSV layouts and the Avro
 * schemas of every file the pipelines write. Pipelines, the loader and the tests all read them here.
 */
package com.coffeeshop.schemas;
