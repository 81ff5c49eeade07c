// Cost per answer: a local model's cost from its measured speed, the hardware's price spread
// over its service life, its power draw and the electricity price; an API's cost from its
// per-token prices; and the break-even volume where buying the hardware pays for itself
// (hardware price / (API cost per answer - local energy cost per answer)).
#pragma once

#include <QString>
#include <QVector>
#include <optional>

namespace rwb::compare {

struct Hardware {
    double price = 0;         // purchase price (currency units)
    double lifetimeYears = 3; // written off over this time ...
    double hoursPerDay = 8;   // ... at this use
    double powerWatts = 0;    // draw while generating
    double electricityPerKwh = 0;
};

struct LocalModelLoad {
    double tokensPerSecond = 0; // measured decoding speed
    double tokensPerAnswer = 0; // thinking + answer tokens of an average reply
};

struct ApiPrices {
    QString name;
    QString asOf;                // when the prices were published (they change)
    double inputPerMillion = 0;  // per 1M prompt tokens
    double outputPerMillion = 0; // per 1M generated tokens (thinking included)
};

// Examples to start from (editable in the panel), with the date of the published prices.
QVector<ApiPrices> exampleApiPrices();

struct CostBreakdown {
    double secondsPerAnswer = 0;
    double energyPer1000 = 0;   // electricity only
    double hardwarePer1000 = 0; // the hardware's written-off share of the time used
    double localPer1000 = 0;    // energy + hardware
    double apiPer1000 = 0;
    // Answers after which buying the hardware costs less than the API; nullopt when the API
    // is never dearer per answer than the electricity.
    std::optional<double> breakEvenAnswers;
};

// nullopt when the inputs cannot give a cost (no speed, no tokens, negative prices).
std::optional<CostBreakdown> costPer1000(const LocalModelLoad& load, const Hardware& hw,
                                         const ApiPrices& api, double promptTokensPerAnswer);

} // namespace rwb::compare
