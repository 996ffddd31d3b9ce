package io.ultrachat.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The number formatting both load generators report with: latency histograms in microseconds, shown in ms. */
final class Stats {
  private Stats() {}

  static Map<String, Double> percentiles(Histogram h) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p90", ms(h.getValueAtPercentile(90)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("p999", ms(h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    m.put("mean", round3(h.getMean() / 1000.0));
    return m;
  }

  static double ms(long micros) {
    return round3(micros / 1000.0);
  }

  static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static double round1(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}
