#include "core/model/Model.h"

#include "core/common/Error.h"
#include "core/common/Threads.h"
#include "core/model/ModelTensors.h"
#include "core/model/Sha256.h"
#include "core/model/detail/ModelImpl.h"

#include <fstream>
#include <system_error>

namespace crowlingo {

namespace {

std::vector<std::byte> readFileBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw ModelError(fileError("load weights", file, "cannot open the file"));
    const std::streamoff size = in.tellg();
    std::vector<std::byte> bytes(size > 0 ? std::size_t(size) : 0);
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw ModelError(fileError("load weights", file, "read error"));
    return bytes;
}

// A weights file larger than the config's tensors plus the largest header is not this config's:
// refused before reading it into memory.
void refuseOversizedWeights(const std::filesystem::path& file, const ModelConfig& config)
{
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) return; // readFileBytes() says why it cannot be read
    const std::uintmax_t needed = std::uintmax_t(modelParameterCount(config)) * sizeof(float);
    if (size > 8 + SafeTensors::maxHeaderBytes + needed)
        throw ModelError(fileError("load weights", file, std::to_string(size) + " bytes, far more than the "
                                                              + std::to_string(needed) + " bytes of tensors "
                                                              + Model::configFileName + " describes"));
}

} // namespace

namespace detail {

torch::Device preferredDevice()
{
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

void applyThreadCount()
{
    const int n = threadCount();
    if (torch::get_num_threads() != n)
        torch::set_num_threads(n);
}

} // namespace detail

std::vector<std::byte> Model::Impl::weightBytes() const
{
    if (!foreignBytes.empty())
        return foreignBytes;
    SafeTensors st;
    net->exportTo(st);
    st.metadata["format"] = "crowlingo-mae";
    return st.serialize();
}

detail::MaskedAutoencoder Model::Impl::network(InferencePrecision precision) const
{
    if (precision == InferencePrecision::Float32)
        return net;
    const std::lock_guard lock(bfloat16->making);
    if (!bfloat16->net) {
        detail::MaskedAutoencoder copy = detail::cloneNetwork(net, net->config);
        copy->to(torch::kBFloat16);
        copy->eval();
        bfloat16->net = copy;
    }
    return bfloat16->net;
}

std::shared_ptr<const Model::Impl> Model::Impl::make(ModelConfig config, detail::MaskedAutoencoder net,
                                                     std::vector<std::byte> fileBytes)
{
    auto impl = std::make_shared<Impl>();
    impl->config = std::move(config);
    impl->net = std::move(net);
    impl->net->config = impl->config;
    impl->device = detail::preferredDevice();
    impl->net->to(impl->device);
    impl->net->eval();
    const std::vector<std::byte> own = impl->weightBytes();
    impl->weightsHash = Sha256::hex(own);
    if (!fileBytes.empty() && fileBytes != own) {
        impl->weightsHash = Sha256::hex(fileBytes);
        impl->foreignBytes = std::move(fileBytes);
    }
    impl->id = modelIdFor(impl->weightsHash, impl->config);
    return impl;
}

Model::Model(std::shared_ptr<const Impl> impl)
    : d(std::move(impl))
{
}

Model Model::createRandom(const ModelConfig& config, std::uint64_t seed)
{
    config.validate();
    detail::MaskedAutoencoder net(config);
    net->initialise(seed);
    return Model(Impl::make(config, std::move(net)));
}

Model Model::load(const std::filesystem::path& dir)
{
    const ModelConfig config = ModelConfig::fromJsonFile(dir / configFileName); // bounded: see ModelLimits
    const std::filesystem::path weightsFile = dir / weightsFileName;
    refuseOversizedWeights(weightsFile, config);
    std::vector<std::byte> bytes = readFileBytes(weightsFile);
    const SafeTensors weights = SafeTensors::parse(bytes, weightsFile);
    // Names, shapes and finite values, before the network is allocated from the config.
    checkModelWeights(config, weights, weightsFile);
    detail::MaskedAutoencoder net(config);
    net->importFrom(weights, weightsFile);
    return Model(Impl::make(config, std::move(net), std::move(bytes)));
}

void Model::save(const std::filesystem::path& dir) const
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error(fileError("create model directory", dir, ec.message()));
    const std::vector<std::byte> bytes = d->weightBytes();
    SafeTensors::writeFileAtomically(dir / weightsFileName, bytes);
    d->config.toJsonFile(dir / configFileName);
}

Model Model::withTimeScale(int scale) const
{
    if (scale == d->config.timeScale)
        return *this;
    // The weights are shared, not copied: the network itself never reads the front end's hop.
    auto impl = std::make_shared<Impl>(*d);
    impl->config = d->config.withTimeScale(scale);
    impl->id = modelIdFor(impl->weightsHash, impl->config);
    return Model(std::move(impl));
}

const ModelConfig& Model::config() const { return d->config; }
std::string Model::id() const { return d->id; }
std::string Model::weightsHash() const { return d->weightsHash; }

std::int64_t Model::parameterCount() const { return d->net->parameterCount(); }
bool Model::onGpu() const { return d->device.is_cuda(); }

std::int64_t Model::encoderParameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : d->net->encoder->parameters(true))
        n += p.numel();
    return n;
}

} // namespace crowlingo
