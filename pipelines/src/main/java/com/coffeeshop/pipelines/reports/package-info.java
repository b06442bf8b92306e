/** Small reporting pipelines over the landing zone (also the runner-portability check). */
package com.coffeeshop.pipelines.reports;
