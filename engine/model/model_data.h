// ModelData: what the forward pass needs from a loaded model. Engine-private.
#pragma once

#include "gguf/gguf_file.h"
#include "model/hparams.h"
#include "model/rope.h"
#include "model/weights.h"

#include <memory>

namespace rwb::model {

struct ModelData {
    std::shared_ptr<gguf::GgufFile> file; // keeps the mapping alive
    HParams hp;
    ModelWeights weights;
    RopeTable rope;
};

} // namespace rwb::model
