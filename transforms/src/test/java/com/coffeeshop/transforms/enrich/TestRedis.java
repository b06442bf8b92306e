package com.coffeeshop.transforms.enrich;

/** The real Redis that devstack/services.sh starts; tests use logical database 15 to stay apart. */
public final class TestRedis {
  private TestRedis() {}

  public static RedisEndpoint endpoint() {
    String port = System.getenv("COFFEE_REDIS_PORT");
    if (port == null || port.isEmpty()) {
      throw new IllegalStateException("COFFEE_REDIS_PORT is not set: start Redis with devstack/services.sh up and"
          + " eval \"$(devstack/services.sh env)\", or use the README's test command");
    }
    return new RedisEndpoint(System.getenv().getOrDefault("COFFEE_REDIS_HOST", "127.0.0.1"), Integer.parseInt(port), 15);
  }
}
