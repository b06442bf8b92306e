package com.coffeeshop.transforms.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret where the process runs: from an environment variable or a file (a mounted secret).
 * Errors name the variable or file, the host, and what to change, because on a cluster the process is
 * a task manager or executor, not the machine that launched the job.
 */
public final class Secrets {
  private Secrets() {}

  public static String fromEnv(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + variable + " is not set on " + host()
          + "; export the database password there (devstack/services.sh env prints the local ones; on a cluster set"
          + " it for every Flink task manager / Spark worker, as docker/compose.yaml does), name another variable with"
          + " --dbPasswordEnv, or point --dbPasswordFile at a mounted secret");
    }
    return value;
  }

  public static String fromFile(String file) {
    Path path = Path.of(file);
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("password file " + file + " on " + host() + " is empty");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the password file " + file + " on " + host() + " (" + e
          + "); mount it on every worker, or use --dbPasswordEnv instead of --dbPasswordFile");
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }
}
