# All third-party dependencies, found once. Nothing is downloaded at configure time.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
find_package(SQLite3 REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# Debian's faiss is a static library (libfaiss.a): its OpenMP, BLAS and LAPACK dependencies are
# linked explicitly, once, here.
find_path(FAISS_INCLUDE_DIR faiss/IndexFlat.h REQUIRED)
find_library(FAISS_LIBRARY faiss REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(BLAS REQUIRED)
find_package(LAPACK REQUIRED)
add_library(crowlingo_faiss INTERFACE)
target_include_directories(crowlingo_faiss SYSTEM INTERFACE ${FAISS_INCLUDE_DIR})
target_link_libraries(crowlingo_faiss INTERFACE ${FAISS_LIBRARY} OpenMP::OpenMP_CXX ${LAPACK_LIBRARIES} ${BLAS_LIBRARIES})

# One wrapper target so ${TORCH_LIBRARIES} appears once.
find_package(Torch REQUIRED)
add_library(crowlingo_torch INTERFACE)
target_include_directories(crowlingo_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(crowlingo_torch INTERFACE ${TORCH_LIBRARIES})
target_compile_options(crowlingo_torch INTERFACE ${TORCH_CXX_FLAGS})

if(CROWLINGO_BUILD_GUI OR CROWLINGO_BUILD_TESTS)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Charts Multimedia Concurrent Test OpenGLWidgets)
  qt_standard_project_setup()
endif()
