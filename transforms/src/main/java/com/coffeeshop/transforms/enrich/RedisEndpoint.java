package com.coffeeshop.transforms.enrich;

import java.io.Serializable;

/** Where Redis is (host, port, logical database 0–15); serializable so DoFns carry it to workers. */
public record RedisEndpoint(String host, int port, int database) implements Serializable {
  public RedisEndpoint(String host, int port) {
    this(host, port, 0);
  }

  @Override
  public String toString() {
    return host + ":" + port + "/" + database;
  }
}
