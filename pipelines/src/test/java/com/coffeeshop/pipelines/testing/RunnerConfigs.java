package com.coffeeshop.pipelines.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads runner-configs/NAME.conf, the same files users and Airflow pass, as --key=value arguments. */
public final class RunnerConfigs {
  private RunnerConfigs() {}

  public static List<String> args(String name) throws IOException {
    Path file = Path.of(System.getProperty("runner.configs.dir", "../runner-configs")).resolve(name + ".conf");
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    }
    List<String> out = new ArrayList<>();
    for (String key : props.stringPropertyNames()) {
      out.add("--" + key + "=" + props.getProperty(key));
    }
    return out;
  }
}
