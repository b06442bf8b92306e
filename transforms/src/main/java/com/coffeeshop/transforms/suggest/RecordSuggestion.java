package com.coffeeshop.transforms.suggest;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.SuggestionAccepted;
import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import com.coffeeshop.transforms.jdbc.JdbcSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Records each accepted suggestion as an {@code order_details} line with {@code is_suggestion = 1}
 * and emits the suggestion that is stored for the order.
 *
 * <p>At most one suggestion per order, ever: the table's unique key on the suggested order (a stored
 * generated column) rejects a second one, the insert turns such a conflict into a no-op, and what
 * is emitted is read back from the table. So a replay, even one that would now pick another product
 * because the catalog changed, re-publishes the suggestion already made instead of adding one.
 */
public class RecordSuggestion extends PTransform<PCollection<SuggestionAccepted>, PCollectionTuple> {
  /** The suggestion stored for each order: the one proposed, or the one an earlier run stored. */
  public static final TupleTag<SuggestionAccepted> RECORDED = new TupleTag<>() {};

  /**
   * Suggestions MySQL refuses for good (a line for that product that is not a suggestion, a constraint
   * or privilege error), with the reason: the job moves on to the next order instead of retrying.
   */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final JdbcEndpoint db;

  public RecordSuggestion(JdbcEndpoint db) {
    this.db = db;
  }

  @Override
  public PCollectionTuple expand(PCollection<SuggestionAccepted> proposed) {
    return proposed.apply("InsertOrderDetail",
        ParDo.of(new RecordFn(db)).withOutputTags(RECORDED, TupleTagList.of(DEAD_LETTERS)));
  }

  static class RecordFn extends DoFn<SuggestionAccepted, SuggestionAccepted> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Counter suggested = Metrics.counter("suggestion", "suggested");
    private final Counter dead = Metrics.counter("suggestion", "dead_lettered");
    private final Counter replayed = Metrics.counter("suggestion", "replayed");
    private final Distribution latency = Metrics.distribution("suggestion", "commit_to_suggestion_ms");
    private final JdbcEndpoint db;
    private transient JdbcSession session;

    RecordFn(JdbcEndpoint db) {
      this.db = db;
    }

    @Setup
    public void setup() {
      // On a cluster this runs on the worker: a password missing there fails here, naming the variable.
      session = new JdbcSession(db.requirePassword());
    }

    @Teardown
    public void teardown() {
      if (session != null) {
        session.close();
      }
    }

    @ProcessElement
    public void process(@Element SuggestionAccepted s, MultiOutputReceiver out) throws Exception {
      SuggestionAccepted stored;
      try {
        stored = insert(s);
      } catch (SQLException e) {
        if (JdbcSession.isTransient(e)) {
          throw e; // still failing after the session's retries: the runner retries the bundle
        }
        dead.inc();
        out.get(DEAD_LETTERS).output(new DeadLetter("order " + s.order_id(), s.order_id(), JSON.writeValueAsString(s),
            "RecordSuggestion", "MySQL refused the suggestion line: " + e.getMessage(), System.currentTimeMillis()));
        return;
      }
      if (stored == s) {
        suggested.inc();
      } else {
        replayed.inc();
      }
      latency.update(stored.suggested_at_ms() - stored.order_committed_at_ms());
      out.get(RECORDED).output(stored);
    }

    private SuggestionAccepted insert(SuggestionAccepted s) throws SQLException {
      return session.run(c -> {
        c.setAutoCommit(false);
        try {
          int inserted;
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
                  + " VALUES (?, ?, ?, ?, ?, 1) ON DUPLICATE KEY UPDATE order_id = order_id")) {
            ps.setString(1, s.order_id());
            ps.setString(2, s.product_id());
            ps.setInt(3, s.quantity());
            ps.setInt(4, s.discount_percent());
            ps.setInt(5, s.subtotal());
            inserted = ps.executeUpdate();
          }
          SuggestionAccepted result = s;
          if (inserted == 0) {
            result = readBack(c, s);
          }
          c.commit();
          return result;
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      });
    }

    /**
     * The suggestion stored for this order by a concurrent run (replays of an earlier suggestion are
     * already resolved by {@link SuggestProduct}). Name and price are only known for the same product.
     */
    private static SuggestionAccepted readBack(java.sql.Connection c, SuggestionAccepted proposed) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT product_id, quantity, discount_percent, subtotal FROM order_details"
              + " WHERE order_id = ? AND is_suggestion = 1")) {
        ps.setString(1, proposed.order_id());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLIntegrityConstraintViolationException("order " + proposed.order_id()
                + " already has a line for " + proposed.product_id() + " that is not a suggestion");
          }
          String productId = rs.getString(1);
          int quantity = rs.getInt(2);
          int subtotal = rs.getInt(4);
          return new SuggestionAccepted(proposed.order_id(), productId,
              productId.equals(proposed.product_id()) ? proposed.product_name() : null,
              quantity, productId.equals(proposed.product_id()) ? proposed.unit_price() : 0,
              rs.getInt(3), subtotal, proposed.order_committed_at_ms(), proposed.suggested_at_ms());
        }
      }
    }
  }
}
