// ModelData: what the forward pass needs from a loaded model. Engine-private.
#pragma once

#include "gguf/gguf_file.h"
#include "model/hparams.h"
#include "model/rope.h"
#include "model/weights.h"

#include <memory>

namespace rwb::cuda_host {
class CudaModel;
}

namespace rwb::model {

struct ModelData {
    std::shared_ptr<gguf::GgufFile> file; // keeps the mapping alive
    HParams hp;
    ModelWeights weights;
    RopeTable rope;
    // The layers placed on the GPU (null: CPU only). Shared by the model's sessions.
    std::shared_ptr<cuda_host::CudaModel> cuda;
};

} // namespace rwb::model
