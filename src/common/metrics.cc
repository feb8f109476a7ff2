#include "common/metrics.h"

#include <algorithm>
#include <cstdio>

namespace vigil {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::Observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

void Histogram::Snapshot(std::vector<std::uint64_t>* cumulative, double* sum,
                         std::uint64_t* count) const {
  cumulative->assign(bounds_.size() + 1, 0);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    (*cumulative)[i] = running;
  }
  *sum = sum_.load(std::memory_order_relaxed);
  *count = running;
}

MetricsRegistry::Family* MetricsRegistry::GetFamily(const std::string& name,
                                                    const std::string& help, const char* type) {
  for (auto& f : families_) {
    if (f->name == name) return f.get();
  }
  families_.push_back(std::make_unique<Family>(Family{name, help, type, {}, {}}));
  return families_.back().get();
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const std::string& labels) {
  std::lock_guard lock(mu_);
  Family* f = GetFamily(name, help, "counter");
  for (auto& [l, c] : f->counters) {
    if (l == labels) return c.get();
  }
  f->counters.emplace_back(labels, std::make_unique<Counter>());
  return f->counters.back().second.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& bounds,
                                         const std::string& labels) {
  std::lock_guard lock(mu_);
  Family* f = GetFamily(name, help, "histogram");
  for (auto& [l, h] : f->histograms) {
    if (l == labels) return h.get();
  }
  f->histograms.emplace_back(labels, std::make_unique<Histogram>(bounds));
  return f->histograms.back().second.get();
}

namespace {

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string WithLabel(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return "{" + labels + "," + extra + "}";
}

}  // namespace

std::string MetricsRegistry::RenderPrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP " + f->name + " " + f->help + "\n# TYPE " + f->name + " " + f->type + "\n";
    for (const auto& [labels, c] : f->counters) {
      out += f->name + (labels.empty() ? "" : "{" + labels + "}") + " " +
             std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, h] : f->histograms) {
      std::vector<std::uint64_t> cumulative;
      double sum;
      std::uint64_t count;
      h->Snapshot(&cumulative, &sum, &count);
      for (std::size_t i = 0; i < h->upper_bounds().size(); ++i) {
        out += f->name + "_bucket" +
               WithLabel(labels, "le=\"" + FormatDouble(h->upper_bounds()[i]) + "\"") + " " +
               std::to_string(cumulative[i]) + "\n";
      }
      out += f->name + "_bucket" + WithLabel(labels, "le=\"+Inf\"") + " " + std::to_string(count) +
             "\n";
      const std::string suffix = labels.empty() ? "" : "{" + labels + "}";
      out += f->name + "_sum" + suffix + " " + FormatDouble(sum) + "\n";
      out += f->name + "_count" + suffix + " " + std::to_string(count) + "\n";
    }
  }
  return out;
}

}  // namespace vigil
