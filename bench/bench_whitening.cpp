// Would the archive's own principal axes, whitened, find better neighbours than the raw vectors?
// Leave-one-out cosine kNN precision (P@1/5/10) of one archive's vectors as stored, centred, and
// projected on their top principal components with each axis scaled by 1/sqrt(variance + eps *
// largest variance) (shrunk PCA whitening, fitted on the same clips without their labels).
//
//   crowlingo-cli export ARCHIVE --embeddings v.npy --clips clips.csv --csv full.csv
//   (one label per line of clips.csv, "" for none -> labels.txt)
//   bench_whitening v.npy labels.txt
//
// Only labelled rows are queried and searched, as `crowlingo-cli evaluate` does.
#include "core/common/NumericsEnvironment.h"

#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// A float32 2-D .npy as `export --embeddings` writes it.
torch::Tensor loadNpy(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    char magic[6];
    unsigned char version[2];
    in.read(magic, 6);
    in.read(reinterpret_cast<char*>(version), 2);
    std::uint32_t headerLength = 0;
    if (version[0] == 1) {
        std::uint16_t h = 0;
        in.read(reinterpret_cast<char*>(&h), 2);
        headerLength = h;
    } else {
        in.read(reinterpret_cast<char*>(&headerLength), 4);
    }
    std::string header(headerLength, ' ');
    in.read(header.data(), headerLength);
    const auto shape = header.find("shape");
    if (!in || shape == std::string::npos || header.find("<f4") == std::string::npos)
        throw std::runtime_error(file + ": not a float32 .npy");
    const auto open = header.find('(', shape), comma = header.find(',', open);
    const long rows = std::stol(header.substr(open + 1, comma - open - 1));
    const long cols = std::stol(header.substr(comma + 1));
    torch::Tensor t = torch::empty({rows, cols});
    in.read(reinterpret_cast<char*>(t.data_ptr<float>()), std::streamsize(rows * cols * 4));
    if (!in) throw std::runtime_error(file + ": truncated");
    return t;
}

double precisionAt(const torch::Tensor& x, const std::vector<int>& label, int k)
{
    const torch::Tensor unit = torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().dim(1));
    torch::Tensor similarity = unit.matmul(unit.t());
    similarity.fill_diagonal_(-1e9);
    const torch::Tensor nearest = std::get<1>(similarity.topk(k, 1));
    const auto at = nearest.accessor<long, 2>();
    double hits = 0;
    for (long i = 0; i < x.size(0); ++i)
        for (int j = 0; j < k; ++j) hits += label[std::size_t(at[i][j])] == label[std::size_t(i)];
    return hits / double(x.size(0) * k);
}

void report(const char* name, const torch::Tensor& x, const std::vector<int>& label)
{
    std::printf("%-34s P@1 %.3f  P@5 %.3f  P@10 %.3f\n", name, precisionAt(x, label, 1), precisionAt(x, label, 5),
                precisionAt(x, label, 10));
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_whitening VECTORS.npy LABELS.txt\n");
        return 2;
    }
    torch::set_num_threads(1);
    torch::Tensor x = loadNpy(argv[1]).to(torch::kDouble);
    std::ifstream labels(argv[2]);
    std::map<std::string, int> ids;
    std::vector<long> labelled;
    std::vector<int> label;
    std::string line;
    for (long row = 0; std::getline(labels, line); ++row) {
        if (line.empty()) continue;
        labelled.push_back(row);
        label.push_back(ids.emplace(line, int(ids.size())).first->second);
    }
    x = x.index_select(0, torch::tensor(labelled));
    std::printf("%ld labelled clips, %zu classes, %ld dimensions\n", x.size(0), ids.size(), x.size(1));

    report("as stored", x, label);
    const torch::Tensor centred = x - x.mean(0, true);
    report("centred", centred, label);
    // Per coordinate instead of per principal axis: deterministic to compute without BLAS.
    const torch::Tensor perDimVar = centred.pow(2).mean(0, true);
    for (double eps : {1.0, 0.3, 0.1, 0.03}) {
        char name[64];
        std::snprintf(name, sizeof name, "per coordinate, eps %.2f", eps);
        report(name, centred * (perDimVar + eps * perDimVar.max()).rsqrt(), label);
    }
    const auto [u, s, vh] = torch::linalg::svd(centred, false, c10::nullopt);
    const torch::Tensor variance = s.pow(2) / double(x.size(0));
    int previous = 0;
    for (int dims : {64, 128, 256, int(x.size(1))}) {
        const int d = std::min<int>(dims, int(s.size(0))); // a small archive has fewer axes than asked
        if (d == previous) continue;
        previous = d;
        for (double eps : {1.0, 0.3, 0.1, 0.03}) {
            const torch::Tensor scale = (variance.slice(0, 0, d) + eps * variance.max()).rsqrt();
            const torch::Tensor z = centred.matmul(vh.slice(0, 0, d).t()) * scale;
            char name[64];
            std::snprintf(name, sizeof name, "top %d axes, eps %.2f", d, eps);
            report(name, z, label);
        }
    }
}
