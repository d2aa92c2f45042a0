#pragma once
// The --model option shared by subcommands that run the model: a model folder (config.json +
// model.safetensors); empty means the bundled default.
#include "core/model/Model.h"

#include <CLI/CLI.hpp>

#include <string>

namespace crowlingo::cli {

inline CLI::Option* addModelOption(CLI::App* sub, std::string& path)
{
    return sub->add_option("--model", path, "Model folder (config.json + model.safetensors); default: the bundled model");
}

Model loadModelOption(const std::string& path); // prints which model was loaded (threads, BLAS kernel), to stderr

} // namespace crowlingo::cli
