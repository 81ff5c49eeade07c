// registerInferenceMetaTypes; see stream_types.h.
#include "inference/stream_types.h"

namespace rwb::app {

void registerInferenceMetaTypes() {
    qRegisterMetaType<GenerationSettings>();
    qRegisterMetaType<StreamStats>();
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<GenerationOutcome>();
}

} // namespace rwb::app
