package com.coffeeshop.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.schemas.AvroSchemas;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class CleanTest {
  private static GenericRecord order(String id, String ts, String store) {
    GenericRecord r = new GenericData.Record(AvroSchemas.bronze("orders"));
    r.put("id", id);
    r.put("timestamp", ts);
    r.put("store_id", store);
    return r;
  }

  @Test
  void trimsAndJoinsLineBreaksAndTurnsNullWordsIntoNull() {
    assertThat(Clean.text("  Cà phê\r\n  sữa\tđá  "), is("Cà phê sữa đá"));
    assertThat(Clean.text("NULL"), is(nullValue()));
    assertThat(Clean.text(" null "), is(nullValue()));
    assertThat(Clean.text("N/A"), is(nullValue()));
    assertThat(Clean.text(""), is(nullValue()));
    assertThat(Clean.text("Nullable"), is("Nullable"));
  }

  @Test
  void parsesMySqlAndIsoTimestampsAsUtc() throws Rejected {
    assertThat(Clean.timestamp(order("a", "2026-11-10 08:00:00.250", "1"), "timestamp"), is(1794297600250L));
    assertThat(Clean.timestamp(order("a", "2026-11-10T08:00:00", "1"), "timestamp"), is(1794297600000L));
    Rejected r = assertThrows(Rejected.class, () -> Clean.timestamp(order("a", "10/11/2026", "1"), "timestamp"));
    assertThat(r.rule() + ": " + r.detail(),
        is("unparsable_timestamp: timestamp='10/11/2026' is not a date-time yyyy-MM-dd HH:mm:ss[.fff]"));
  }

  @Test
  void namesTheRuleAndColumnOfAnUnusableValue() {
    assertThat(assertThrows(Rejected.class, () -> Clean.key(order(" null", "x", "1"), "id")).rule(), is("null_key"));
    assertThat(assertThrows(Rejected.class, () -> Clean.integer(order("a", "x", "1O"), "store_id")).detail(),
        is("store_id='1O' is not a whole number"));
    assertThat(assertThrows(Rejected.class, () -> Clean.required(order("a", " ", "1"), "timestamp")).rule(),
        is("missing_value"));
  }
}
