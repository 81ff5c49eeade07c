// Cost arithmetic (see cost_model.h).
#include "compare/cost_model.h"

namespace rwb::compare {

QVector<ApiPrices> exampleApiPrices() {
    // Published list prices per 1M tokens (USD) at the dates given; edit them in the panel.
    return {
        {QStringLiteral("DeepSeek-R1 API (deepseek-reasoner)"), QStringLiteral("2025-01"), 0.55,
         2.19},
        {QStringLiteral("OpenAI o1"), QStringLiteral("2024-12"), 15.0, 60.0},
        {QStringLiteral("OpenAI o3-mini"), QStringLiteral("2025-01"), 1.10, 4.40},
    };
}

std::optional<CostBreakdown> costPer1000(const LocalModelLoad& load, const Hardware& hw,
                                         const ApiPrices& api, double promptTokensPerAnswer) {
    if (load.tokensPerSecond <= 0 || load.tokensPerAnswer <= 0) return std::nullopt;
    if (hw.price < 0 || hw.powerWatts < 0 || hw.electricityPerKwh < 0 || hw.lifetimeYears <= 0 ||
        hw.hoursPerDay <= 0 || hw.hoursPerDay > 24 || api.inputPerMillion < 0 ||
        api.outputPerMillion < 0 || promptTokensPerAnswer < 0)
        return std::nullopt;
    CostBreakdown c;
    c.secondsPerAnswer = load.tokensPerAnswer / load.tokensPerSecond;
    const double hours1000 = 1000.0 * c.secondsPerAnswer / 3600.0;
    c.energyPer1000 = hours1000 * hw.powerWatts / 1000.0 * hw.electricityPerKwh;
    const double lifetimeHours = hw.lifetimeYears * 365.0 * hw.hoursPerDay;
    c.hardwarePer1000 = hours1000 * hw.price / lifetimeHours;
    c.localPer1000 = c.energyPer1000 + c.hardwarePer1000;
    c.apiPer1000 = 1000.0 *
                   (promptTokensPerAnswer * api.inputPerMillion +
                    load.tokensPerAnswer * api.outputPerMillion) /
                   1e6;
    const double saving = (c.apiPer1000 - c.energyPer1000) / 1000.0; // per answer
    if (saving > 0) c.breakEvenAnswers = hw.price / saving;
    return c;
}

} // namespace rwb::compare
