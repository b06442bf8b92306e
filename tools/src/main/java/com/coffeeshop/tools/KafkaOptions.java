package com.coffeeshop.tools;

import picocli.CommandLine.Option;

/** The Kafka cluster of the tools that read topics (a picocli mixin). */
public class KafkaOptions {
  @Option(names = "--kafka-bootstrap", defaultValue = "${env:COFFEE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  public String bootstrap() {
    return bootstrap;
  }
}
