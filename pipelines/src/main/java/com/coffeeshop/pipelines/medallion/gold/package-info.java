/** The gold steps: the SCD Type 2 dimensions ({@code GoldDimensions}) and the day's facts ({@code GoldFacts}). */
package com.coffeeshop.pipelines.medallion.gold;
