// Status and Result<T>: how the engine reports errors. Nothing on the per-token path throws;
// callers turn a failed Status into one clear line for the user.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace rwb {

class Status {
public:
    Status() = default;
    static Status ok() { return Status(); }
    static Status error(std::string message) { return Status(std::move(message)); }

    bool is_ok() const { return !failed_; }
    explicit operator bool() const { return !failed_; }
    const std::string& message() const { return message_; }

    // Prefixes context ("reading tokenizer: " + original) while keeping it one line.
    Status with_context(const std::string& context) const {
        if (!failed_) return *this;
        return Status(context + ": " + message_);
    }

private:
    explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
    bool failed_ = false;
    std::string message_;
};

template <typename T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Status status) : status_(std::move(status)) {}

    static Result error(std::string message) { return Result(Status::error(std::move(message))); }

    bool is_ok() const { return value_.has_value(); }
    explicit operator bool() const { return value_.has_value(); }
    const Status& status() const { return status_; }
    const std::string& message() const { return status_.message(); }

    T& value() & { return *value_; }
    const T& value() const& { return *value_; }
    T&& value() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }

private:
    std::optional<T> value_;
    Status status_;
};

} // namespace rwb

// Propagates a failed Status from an expression returning Status.
#define RWB_RETURN_IF_ERROR(expr)                                                                  \
    do {                                                                                           \
        ::rwb::Status rwb_status_ = (expr);                                                        \
        if (!rwb_status_.is_ok()) return rwb_status_;                                              \
    } while (0)
