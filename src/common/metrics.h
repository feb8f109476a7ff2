// Process metrics in the Prometheus text exposition format (version 0.0.4).
// Counters and histograms are lock-free on the hot path; a Registry renders
// them for GET /metrics. Label sets are fixed when a metric is created.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vigil {

class Counter {
 public:
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Cumulative counts per bucket (the last is +Inf), the sum and the count.
  void Snapshot(std::vector<std::uint64_t>* cumulative, double* sum, std::uint64_t* count) const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  // Returns the metric with this name and labels (`labels` is the text inside
  // the braces, e.g. `route="/healthz",code="200"`), creating it on first use.
  // The returned pointer stays valid for the registry's lifetime.
  Counter* GetCounter(const std::string& name, const std::string& help,
                      const std::string& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& bounds, const std::string& labels = {});
  std::string RenderPrometheusText() const;

 private:
  struct Family {
    std::string name, help, type;
    std::vector<std::pair<std::string, std::unique_ptr<Counter>>> counters;
    std::vector<std::pair<std::string, std::unique_ptr<Histogram>>> histograms;
  };
  Family* GetFamily(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;  // GUARDED_BY(mu_)
};

}  // namespace vigil
