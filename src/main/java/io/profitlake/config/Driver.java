package io.profitlake.config;

import java.util.List;
import java.util.Optional;

/**
 * The built-in cost drivers (methods.md, Cost to serve): what one unit is and the attributes a time
 * equation may use. A closed set: the config is checked against it when it loads.
 */
public enum Driver {
  TICKET("ticket", List.of("handle_minutes", "escalated", "reopen_count", "priority_urgent", "is_complaint")),
  CALL("call", List.of("talk_minutes", "wait_minutes")),
  SALES_ACTIVITY("sales_activity", List.of("duration_minutes", "is_visit")),
  ORDER("order", List.of("lines")),
  RETURN_LINE("return_line", List.of("quantity")),
  INVOICE("invoice", List.of("is_late"));

  private final String configName;
  private final List<String> attributes;

  Driver(String configName, List<String> attributes) {
    this.configName = configName;
    this.attributes = attributes;
  }

  public String configName() {
    return configName;
  }

  public List<String> attributes() {
    return attributes;
  }

  public static Optional<Driver> byName(String name) {
    for (Driver driver : values()) {
      if (driver.configName.equals(name)) {
        return Optional.of(driver);
      }
    }
    return Optional.empty();
  }

  public static List<String> names() {
    return java.util.Arrays.stream(values()).map(Driver::configName).toList();
  }
}
