package com.coffeeshop.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The Kafka cluster a streaming job reads and writes. */
public interface KafkaOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers")
  @Default.String("127.0.0.1:9092")
  String getKafkaBootstrap();

  void setKafkaBootstrap(String value);
}
