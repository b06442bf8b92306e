package com.coffeeshop.pipelines.suggestion;

import com.coffeeshop.pipelines.launch.FlinkClusterJobs;
import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.KafkaOptions;
import com.coffeeshop.pipelines.options.LandingZoneOptions;
import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
import com.coffeeshop.schemas.events.SuggestionAccepted;
import com.coffeeshop.schemas.events.Topics;
import com.coffeeshop.transforms.cdc.CdcMessage;
import com.coffeeshop.transforms.cdc.DecodeOrderEvents;
import com.coffeeshop.transforms.cdc.SafeOffsetCommits;
import com.coffeeshop.transforms.enrich.ApplyReferenceChanges;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import com.coffeeshop.transforms.suggest.DiscountRule;
import com.coffeeshop.transforms.suggest.EvaluateOrders;
import com.coffeeshop.transforms.suggest.HashRankPick;
import com.coffeeshop.transforms.suggest.PickStrategy;
import com.coffeeshop.transforms.suggest.RecordSuggestion;
import com.coffeeshop.transforms.suggest.SuggestProduct;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real-time suggestion job. Reads the orders CDC topic; for each newly created order checks the
 * seed's rule (diamond customer, bank transfer, ACB) against Redis reference data; for an eligible
 * order picks a product not already in it, records it in MySQL as a discounted {@code order_details}
 * line with {@code is_suggestion = 1}, and publishes it to {@code order_suggestion_accepted} keyed by
 * order id. A second branch follows the reference tables' CDC topics into Redis, so the rule sees a
 * new diamond customer or a price change within seconds.
 *
 * <p>Stateless on purpose (no state, timers or windows): it runs unchanged on the Direct, Flink and
 * Spark runners. At most one suggestion per order, ever; deterministic, so replays repeat it. Bad
 * input goes to the dead-letter topic with the original payload and the reason; the job never stops
 * for it.
 */
public class SuggestionPipeline {

  /** Where a consumer group without committed offsets starts reading. */
  public enum StartFrom {
    /** New events only (the default: the job reacts to new orders). */
    latest,
    /** Every retained event: safe, as suggestions are idempotent. */
    earliest
  }

  /** Options of the suggestion job; the landing zone and Kafka come from the shared mixins. */
  public interface Options extends LandingZoneOptions, KafkaOptions, StreamingOptions {
    @Description("CDC topic of the orders table")
    @Default.String(Topics.CDC_ORDERS)
    String getOrdersTopic();

    void setOrdersTopic(String value);

    @Description("CDC topics of the reference tables whose changes are applied to Redis")
    @Default.InstanceFactory(ReferenceTopics.class)
    List<String> getReferenceTopics();

    void setReferenceTopics(List<String> value);

    @Description("Topic the accepted suggestions are published to, keyed by order id")
    @Default.String(Topics.SUGGESTIONS_ACCEPTED)
    String getSuggestionsTopic();

    void setSuggestionsTopic(String value);

    @Description("Dead-letter topic: undecodable or inconsistent events, with payload and reason")
    @Default.String(Topics.SUGGESTIONS_DEAD_LETTERS)
    String getDeadLetterTopic();

    void setDeadLetterTopic(String value);

    @Description("Kafka consumer group; its committed offsets are where a restarted job resumes")
    @Default.String("coffeeshop-suggestion")
    String getConsumerGroup();

    void setConsumerGroup(String value);

    @Description("Where a consumer group with no committed offset starts: latest (default: new orders only) or"
        + " earliest (every retained event; safe, as suggestions are idempotent)")
    @Default.Enum("latest")
    StartFrom getStartFrom();

    void setStartFrom(StartFrom value);

    @Description("Redis host of the reference data")
    @Default.String("127.0.0.1")
    String getRedisHost();

    void setRedisHost(String value);

    @Description("Redis port of the reference data")
    @Default.Integer(6379)
    int getRedisPort();

    void setRedisPort(int value);

    @Description("How long the in-process cache keeps a reference entry (ms): the bound on staleness")
    @Default.Long(2000)
    long getCacheTtlMillis();

    void setCacheTtlMillis(long value);

    @Description("Discount on the suggested product, percent")
    @Default.Integer(20)
    int getDiscountPercent();

    void setDiscountPercent(int value);

    @Description("Units of the suggested product")
    @Default.Integer(1)
    int getSuggestionQuantity();

    void setSuggestionQuantity(int value);

    @Description("How long a MySQL or Redis call that cannot reach its server is retried before its bundle fails and"
        + " the runner replays it from the last safe point (seconds)")
    @Default.Integer(60)
    int getEffectRetrySeconds();

    void setEffectRetrySeconds(int value);

    @Description("Pick strategy: hash-rank (default), or the class name of a PickStrategy")
    @Default.String("hash-rank")
    String getPickStrategy();

    void setPickStrategy(String value);
  }

  /** The default of {@code --referenceTopics}: {@link Topics#CDC_REFERENCE}. */
  public static class ReferenceTopics implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return Topics.CDC_REFERENCE;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  public static PipelineResult run(Options options) {
    return start(options).result();
  }

  /**
   * A started job: its result, and, on Spark, the failure of a micro-batch (an effect that failed for good), which
   * must end the job: Spark would go on with the next batches.
   */
  record Running(PipelineResult result, CompletableFuture<String> batchFailure) {}

  static Running start(Options options) {
    validate(options);
    options.setStreaming(true);
    Duration budget = Duration.ofSeconds(options.getEffectRetrySeconds());
    RedisEndpoint redis = new RedisEndpoint(options.getRedisHost(), options.getRedisPort()).withRetryBudget(budget);
    JdbcEndpoint db = LandingZoneOptions.endpoint(options).withRetryBudget(budget).requirePassword();
    Duration ttl = Duration.ofMillis(options.getCacheTtlMillis());
    DiscountRule discount = new DiscountRule(options.getDiscountPercent(), options.getSuggestionQuantity());

    // Spark finalizes a read before its records' effects, and reads on while they run: its commits wait
    // for Spark's own batch-completed events (SafeOffsetCommits explains the runners' differences).
    boolean commitsWaitForBatches = onSpark(options);
    CompletableFuture<String> batchFailure = commitsWaitForBatches
        ? SparkBatchCompletions.reportTo(options).failure() : new CompletableFuture<>();
    Pipeline p = Pipeline.create(options);

    PCollectionTuple decoded = p
        .apply("ReadOrderEvents", new ReadCdc(options, List.of(options.getOrdersTopic()), commitsWaitForBatches))
        .apply("DecodeOrderEvents", new DecodeOrderEvents());
    PCollectionTuple evaluated = decoded.get(DecodeOrderEvents.ORDERS)
        .apply("EvaluateOrders", new EvaluateOrders(redis, ttl, db));
    PCollectionTuple proposed = evaluated.get(EvaluateOrders.ELIGIBLE)
        .apply("SuggestProduct", new SuggestProduct(db, redis, ttl, pickStrategy(options), discount));
    PCollectionTuple recorded = proposed.get(SuggestProduct.PROPOSED)
        .apply("RecordSuggestion", new RecordSuggestion(db));
    recorded.get(RecordSuggestion.RECORDED)
        .apply("ToJson", MapElements.into(kvStrings()).via(s -> KV.of(s.order_id(), json(s))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("PublishSuggestions", write(options, options.getSuggestionsTopic()));

    PCollectionTuple reference = p
        .apply("ReadReferenceEvents", new ReadCdc(options, options.getReferenceTopics(), commitsWaitForBatches))
        .apply("ApplyReferenceChanges", new ApplyReferenceChanges(redis));

    PCollectionList.of(decoded.get(DecodeOrderEvents.DEAD_LETTERS))
        .and(evaluated.get(EvaluateOrders.DEAD_LETTERS))
        .and(proposed.get(SuggestProduct.DEAD_LETTERS))
        .and(recorded.get(RecordSuggestion.DEAD_LETTERS))
        .and(reference.get(ApplyReferenceChanges.DEAD_LETTERS))
        .apply("FlattenDeadLetters", Flatten.pCollections())
        .apply("DeadLetterToJson", MapElements.into(kvStrings()).via(d -> KV.of(d.source(), json(d))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("PublishDeadLetters", write(options, options.getDeadLetterTopic()));

    // On a Flink cluster the job outlives this JVM unless cancelled: ending the JVM ends the job, as on a local runner.
    FlinkClusterJobs.cancelOnExit(options);
    return new Running(p.run(), batchFailure);
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("suggestion job", () -> {
      Running job = start(Jobs.options(args, Options.class));
      while (!job.result().getState().isTerminal()) {
        if (job.batchFailure().isDone()) {
          job.result().cancel();
          throw new IllegalStateException("a Spark micro-batch failed (" + job.batchFailure().join() + "): the job"
              + " ends so that its restart resumes from the last offsets whose effects were done");
        }
        job.result().waitUntilFinish(org.joda.time.Duration.standardSeconds(1));
      }
      Jobs.toCompletion(job.result(), "suggestion job");
    });
  }

  /** Rejects option combinations that cannot work, saying what to change. */
  static void validate(Options o) {
    if ("coffee_batch".equals(o.getDbUser())) {
      throw new IllegalArgumentException("the suggestion job writes order_details, which the read-only batch user"
          + " cannot: run it as the application user (--dbUser=coffee_app --dbPasswordEnv=COFFEE_APP_PASSWORD)");
    }
    if (o.getCacheTtlMillis() < 0) {
      throw new IllegalArgumentException("--cacheTtlMillis must not be negative, got " + o.getCacheTtlMillis());
    }
    if (o.getReferenceTopics() == null || o.getReferenceTopics().isEmpty()) {
      throw new IllegalArgumentException("--referenceTopics must name at least one topic (default: " + Topics.CDC_REFERENCE
          + "): without it the Redis cache would go stale");
    }
    new DiscountRule(o.getDiscountPercent(), o.getSuggestionQuantity());
    pickStrategy(o);
    if (onSpark(o)) {
      SparkBatchCompletions.requireSupportedSetup(o);
    }
  }

  /** Whether the runner is Beam's SparkRunner (or one of its variants): Spark's classes are loaded only then. */
  static boolean onSpark(PipelineOptions o) {
    return o.getRunner().getName().startsWith("org.apache.beam.runners.spark.");
  }

  static PickStrategy pickStrategy(Options o) {
    if ("hash-rank".equals(o.getPickStrategy())) {
      return new HashRankPick();
    }
    try {
      return (PickStrategy) Class.forName(o.getPickStrategy()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("--pickStrategy must be hash-rank or the class name of a PickStrategy with a"
          + " no-argument constructor; '" + o.getPickStrategy() + "' is neither (" + e + ")");
    }
  }

  /** Reads CDC topics as {@link CdcMessage}s (tombstones included: they are dead-lettered downstream). */
  static class ReadCdc extends PTransform<PBegin, PCollection<CdcMessage>> {
    private final Options options;
    private final List<String> topics;

    private final boolean commitsWaitForBatches;

    ReadCdc(Options options, List<String> topics, boolean commitsWaitForBatches) {
      this.options = options;
      this.topics = topics;
      this.commitsWaitForBatches = commitsWaitForBatches;
    }

    @Override
    public PCollection<CdcMessage> expand(PBegin input) {
      Map<String, Object> consumer = Map.of(
          "group.id", options.getConsumerGroup(),
          "auto.offset.reset", options.getStartFrom().name(),
          "enable.auto.commit", false,
          "fetch.max.wait.ms", 10);
      KafkaIO.Read<String, String> read = KafkaIO.<String, String>read()
          .withBootstrapServers(options.getKafkaBootstrap())
          .withTopics(topics)
          .withKeyDeserializer(StringDeserializer.class)
          .withValueDeserializer(StringDeserializer.class)
          .withConsumerConfigUpdates(consumer)
          // Offsets reach the group only once the records' effects are done, on every runner.
          .withConsumerFactoryFn(commitsWaitForBatches
              ? SafeOffsetCommits.consumerFactoryGatedOnEffects() : SafeOffsetCommits.consumerFactory())
          .commitOffsetsInFinalize();
      return input
          .apply("ReadKafka", read)
          .apply("ToCdcMessage", MapElements.into(TypeDescriptor.of(CdcMessage.class)).via(
              (KafkaRecord<String, String> r) -> new CdcMessage(r.getTopic(), r.getPartition(), r.getOffset(),
                  r.getKV().getKey(), r.getKV().getValue())));
    }
  }

  static KafkaIO.Write<String, String> write(Options options, String topic) {
    return KafkaIO.<String, String>write()
        .withBootstrapServers(options.getKafkaBootstrap())
        .withTopic(topic)
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(StringSerializer.class)
        // Latency over throughput: a suggestion leaves as soon as it is made.
        .withProducerConfigUpdates(Map.of("linger.ms", 0, "acks", "all"));
  }

  static TypeDescriptor<KV<String, String>> kvStrings() {
    return new TypeDescriptor<KV<String, String>>() {};
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }

  private SuggestionPipeline() {}
}
