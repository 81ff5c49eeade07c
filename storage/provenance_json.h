// Provenance <-> JSON, shared by the comparison results table and the JSON export.
#pragma once

#include "records.h"

#include <QJsonObject>

namespace rwb::storage {

QJsonObject provenanceToJson(const Provenance& p);
Provenance provenanceFromJson(const QJsonObject& o);

} // namespace rwb::storage
