package com.coffeeshop.tools.orders;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Inserts orders and their lines into the landing zone at a controlled rate.
 *
 * <p>Guarantees: each order and its lines commit in one transaction, so no reader ever sees an order
 * without its lines. Order {@code n} of a run depends only on the seed and {@code n} (not on thread
 * count or timing), so the same seed gives the same orders. The pace is kept against the run's start
 * time, not per order, so the average rate stays on target over any minute.
 */
public final class OrderGenerator {

  /**
   * @param linesPerSecond target order-line rate over all threads; 0 means as fast as possible
   * @param maxOrders stop after this many orders; 0 means no limit
   * @param duration stop after this long; null means no limit
   * @param eligibleShare share of orders made eligible for a suggestion (diamond customer paying by
   *     ACB bank transfer) while all others are made ineligible; null keeps the natural mix
   */
  public record Settings(
      double linesPerSecond,
      long maxOrders,
      Duration duration,
      long seed,
      Double eligibleShare,
      int threads,
      Duration progressEvery) {
    public Settings {
      if (linesPerSecond < 0) throw new IllegalArgumentException("--rate must be 0 (unthrottled) or more");
      if (maxOrders < 0) throw new IllegalArgumentException("--orders must not be negative");
      if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
      if (eligibleShare != null && (eligibleShare < 0 || eligibleShare > 1)) {
        throw new IllegalArgumentException("--eligible-share must be between 0 and 1, got " + eligibleShare);
      }
    }
  }

  /** What a run did. */
  public record Stats(long orders, long lines, long eligible, Duration elapsed) {
    public double linesPerSecond() {
      return lines / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    public double ordersPerSecond() {
      return orders / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  /** Told about every committed order, right after its commit returns (benchmarks time from here). */
  public interface CommitListener {
    void committed(String orderId, int customerId, long commitNanoTime, boolean eligible);
  }

  /** Opens a connection to the landing zone. */
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  // Mix of a coffee-shop order: mostly one product, mostly quantity one.
  private static final double[] LINE_COUNT_WEIGHTS = {0.70, 0.22, 0.08};

  /** Lines in an average order (1.38), to turn an order rate into a line rate. */
  public static final double MEAN_LINES_PER_ORDER =
      LINE_COUNT_WEIGHTS[0] * 1 + LINE_COUNT_WEIGHTS[1] * 2 + LINE_COUNT_WEIGHTS[2] * 3;
  private static final double[] QUANTITY_WEIGHTS = {0.80, 0.15, 0.05};
  private static final double BANK_TRANSFER_SHARE = 0.25;

  private final ReferenceSnapshot ref;
  private final Settings settings;
  private final ConnectionFactory connections;
  private final PrintWriter progress;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong nextIndex = new AtomicLong();
  private final AtomicLong orders = new AtomicLong();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong eligible = new AtomicLong();
  private final double[] methodWeights;
  private volatile CommitListener listener = (id, customer, t, e) -> {};

  public OrderGenerator(
      ReferenceSnapshot ref, Settings settings, ConnectionFactory connections, PrintWriter progress) {
    this.ref = ref;
    this.settings = settings;
    this.connections = connections;
    this.progress = progress;
    this.methodWeights = paymentWeights(ref.paymentMethods());
  }

  /** Sets the listener told of each commit; call before {@link #run()}. */
  public OrderGenerator onCommit(CommitListener listener) {
    this.listener = listener;
    return this;
  }

  /** Asks a running {@link #run()} to finish its current orders and return. */
  public void stop() {
    stopped.set(true);
  }

  /** Runs until the order limit, the duration or {@link #stop()}; returns what was written. */
  public Stats run() throws Exception {
    long start = System.nanoTime();
    long deadline = settings.duration() == null ? Long.MAX_VALUE : start + settings.duration().toNanos();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < settings.threads(); t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  work(start, deadline);
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                  stopped.set(true);
                }
              },
              "order-generator-" + t);
      worker.start();
      workers.add(worker);
    }
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    long every = settings.progressEvery().toMillis();
    reporter.scheduleAtFixedRate(() -> report(start), every, every, TimeUnit.MILLISECONDS);
    try {
      for (Thread w : workers) {
        w.join();
      }
    } finally {
      reporter.shutdownNow();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Stats(orders.get(), lines.get(), eligible.get(), Duration.ofNanos(System.nanoTime() - start));
  }

  private void report(long start) {
    Stats s = new Stats(orders.get(), lines.get(), eligible.get(), Duration.ofNanos(System.nanoTime() - start));
    progress.printf(
        "[generator] %6.1fs  orders=%d lines=%d eligible=%d  actual %.1f lines/s (%.1f orders/s)%s%n",
        s.elapsed().toMillis() / 1000.0, s.orders(), s.lines(), s.eligible(), s.linesPerSecond(),
        s.ordersPerSecond(),
        settings.linesPerSecond() > 0 ? String.format(", target %.1f lines/s", settings.linesPerSecond()) : "");
    progress.flush();
  }

  private void work(long start, long deadline) throws SQLException {
    double perThreadRate = settings.linesPerSecond() / settings.threads();
    long myLines = 0;
    try (Connection c = connections.open()) {
      c.setAutoCommit(false);
      try (PreparedStatement insertOrder =
              c.prepareStatement(
                  "INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id)"
                      + " VALUES (?, ?, ?, ?, ?)");
          PreparedStatement insertLine =
              c.prepareStatement(
                  "INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal,"
                      + " is_suggestion) VALUES (?, ?, ?, 0, ?, 0)")) {
        while (!stopped.get() && System.nanoTime() < deadline) {
          long index = nextIndex.getAndIncrement();
          if (settings.maxOrders() > 0 && index >= settings.maxOrders()) {
            return;
          }
          Order order = order(index);
          insertOrder.setString(1, order.id);
          insertOrder.setObject(2, LocalDateTime.now(ZoneOffset.UTC));
          insertOrder.setInt(3, order.storeId);
          insertOrder.setInt(4, order.paymentMethodId);
          insertOrder.setInt(5, order.customerId);
          insertOrder.executeUpdate();
          for (Line line : order.lines) {
            insertLine.setString(1, order.id);
            insertLine.setString(2, line.productId);
            insertLine.setInt(3, line.quantity);
            insertLine.setInt(4, line.subtotal);
            insertLine.addBatch();
          }
          insertLine.executeBatch();
          c.commit();
          listener.committed(order.id, order.customerId, System.nanoTime(), order.eligible);
          orders.incrementAndGet();
          lines.addAndGet(order.lines.size());
          if (order.eligible) {
            eligible.incrementAndGet();
          }
          myLines += order.lines.size();
          if (perThreadRate > 0) {
            long due = start + (long) (myLines / perThreadRate * 1e9);
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !stopped.get()) {
              LockSupport.parkNanos(Math.min(wait, 100_000_000L));
            }
          }
        }
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  record Line(String productId, int quantity, int subtotal) {}

  record Order(String id, int storeId, int paymentMethodId, int customerId, boolean eligible, List<Line> lines) {}

  /** Order number {@code index} of this seed: a pure function of (seed, index). */
  Order order(long index) {
    // SplittableRandom mixes its state on every draw, so neighbouring indexes give unrelated orders
    // (java.util.Random seeded with n and n+1 starts with nearly the same values).
    SplittableRandom rng = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + index);
    String id = uuid(rng);
    int store = ref.storeIds()[rng.nextInt(ref.storeIds().length)];
    int customer;
    ReferenceSnapshot.PaymentMethod method;
    boolean eligible;
    Double share = settings.eligibleShare();
    if (share != null) {
      eligible = rng.nextDouble() < share;
      if (eligible) {
        customer = pick(rng, ref.diamondCustomerIds());
        method = pickMethod(rng, true);
      } else {
        customer = pickAnyCustomer(rng);
        method = isDiamond(customer) ? pickMethod(rng, false) : ref.paymentMethods().get(weighted(rng, methodWeights));
      }
    } else {
      customer = pickAnyCustomer(rng);
      method = ref.paymentMethods().get(weighted(rng, methodWeights));
    }
    eligible = isDiamond(customer) && method.eligible();
    int lineCount = Math.min(weighted(rng, LINE_COUNT_WEIGHTS) + 1, ref.products().size());
    List<ReferenceSnapshot.Product> pool = new ArrayList<>(ref.products());
    List<Line> lines = new ArrayList<>(lineCount);
    for (int i = 0; i < lineCount; i++) {
      ReferenceSnapshot.Product p = pool.remove(rng.nextInt(pool.size()));
      int quantity = weighted(rng, QUANTITY_WEIGHTS) + 1;
      lines.add(new Line(p.id(), quantity, p.unitPrice() * quantity));
    }
    return new Order(id, store, method.id(), customer, eligible, lines);
  }

  private boolean isDiamond(int customer) {
    return java.util.Arrays.binarySearch(ref.diamondCustomerIds(), customer) >= 0;
  }

  private int pickAnyCustomer(SplittableRandom rng) {
    int total = ref.diamondCustomerIds().length + ref.otherCustomerIds().length;
    int i = rng.nextInt(total);
    return i < ref.diamondCustomerIds().length
        ? ref.diamondCustomerIds()[i]
        : ref.otherCustomerIds()[i - ref.diamondCustomerIds().length];
  }

  private ReferenceSnapshot.PaymentMethod pickMethod(SplittableRandom rng, boolean eligibleOne) {
    List<ReferenceSnapshot.PaymentMethod> candidates =
        ref.paymentMethods().stream().filter(m -> m.eligible() == eligibleOne).toList();
    double[] weights = paymentWeights(candidates);
    return candidates.get(weighted(rng, weights));
  }

  private static int pick(SplittableRandom rng, int[] ids) {
    return ids[rng.nextInt(ids.length)];
  }

  /** A quarter of payments are bank transfers, spread evenly over the banks; the rest share the others. */
  private static double[] paymentWeights(List<ReferenceSnapshot.PaymentMethod> methods) {
    long transfers = methods.stream().filter(ReferenceSnapshot.PaymentMethod::bankTransfer).count();
    long others = methods.size() - transfers;
    double[] w = new double[methods.size()];
    for (int i = 0; i < w.length; i++) {
      boolean transfer = methods.get(i).bankTransfer();
      if (transfers == 0 || others == 0) {
        w[i] = 1.0 / methods.size();
      } else {
        w[i] = transfer ? BANK_TRANSFER_SHARE / transfers : (1 - BANK_TRANSFER_SHARE) / others;
      }
    }
    return w;
  }

  private static int weighted(SplittableRandom rng, double[] weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = rng.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  private static String uuid(SplittableRandom rng) {
    long msb = (rng.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
