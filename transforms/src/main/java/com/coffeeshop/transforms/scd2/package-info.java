/** Slowly changing dimensions, type 2: the versioning rule, shared by every gold dimension. */
package com.coffeeshop.transforms.scd2;
