package com.coffeeshop.transforms.cdc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

class PersonalDataTest {
  @Test
  void redactsNameAndPhoneInBothImagesAndKeepsTheRest() {
    String event = "{\"before\":{\"id\":7,\"name\":\"Trần Thị Bích\",\"phone_number\":\"0912345678\",\"tier\":\"gold\"},"
        + "\"after\":{\"id\":7,\"name\":\"Trần Thị Bích\",\"phone_number\":\"0987654321\",\"tier\":\"diamond\"},\"op\":\"u\"}";
    assertThat(PersonalData.redact(event), is("{\"before\":{\"id\":7,\"name\":\"<redacted>\",\"phone_number\":\"<redacted>\","
        + "\"tier\":\"gold\"},\"after\":{\"id\":7,\"name\":\"<redacted>\",\"phone_number\":\"<redacted>\",\"tier\":\"diamond\"},"
        + "\"op\":\"u\"}"));
  }

  @Test
  void withholdsAPayloadThatIsNotJsonAndKeepsNull() {
    String broken = "{\"after\":{\"name\":\"Lê Văn C\",\"phone_number\":\"0900000000\"";
    assertThat(PersonalData.redact(broken), not(containsString("0900000000")));
    assertThat(PersonalData.redact(broken), containsString("withheld"));
    assertThat(PersonalData.redact(null), is((String) null));
  }
}
