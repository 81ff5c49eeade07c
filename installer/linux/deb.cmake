# .deb packages (cpack -G DEB) and the relocatable tarball (cpack -G TGZ).
#   reasoning-workbench       app, rwb, demo models, problem sets, desktop integration
#   reasoning-workbench-cuda  librwb_cuda.so (only when CUDA was built); depends on the main package
# Library dependencies come from dpkg-shlibdeps on the build machine, so the package carries that
# distribution's names (Debian 12: libqt6core6; Ubuntu 24.04: libqt6core6t64): build the .deb on
# the release it is for. Plugins Qt loads at run time are invisible to dpkg-shlibdeps and are
# listed by hand (same names on Debian 12 and Ubuntu 24.04).
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF) # one tarball with everything, relocatable
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack_project_config.cmake)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_MAIN_PACKAGE_NAME "reasoning-workbench")
set(CPACK_DEBIAN_MAIN_PACKAGE_SHLIBDEPS ON)
# qt6-qpa-plugins: the xcb/wayland platform plugins; libqt6sql6-sqlite: the history database
# driver; libqt6svg6: SVG icons in the UI. hicolor-icon-theme owns the icon folders.
set(CPACK_DEBIAN_MAIN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6sql6-sqlite, libqt6svg6, hicolor-icon-theme")
set(CPACK_DEBIAN_MAIN_PACKAGE_RECOMMENDS "qt6-wayland")
file(READ ${CPACK_PACKAGE_DESCRIPTION_FILE} _rwb_long_description)
string(STRIP "${_rwb_long_description}" _rwb_long_description)
set(CPACK_DEBIAN_MAIN_DESCRIPTION "${_rwb_long_description}")
if(RWB_HAVE_CUDA)
  set(CPACK_DEBIAN_MAIN_PACKAGE_SUGGESTS "reasoning-workbench-cuda")
endif()

# The CUDA package: the module links the CUDA runtime statically and cuBLAS dynamically (when the
# CUDA backend uses it); the NVIDIA repository names those packages per toolkit version
# (cuda-cudart-13-0, libcublas-13-0), Debian's non-free archive by soname (libcudart12,
# libcublas12). No shlibdeps: the toolkit in /usr/local/cuda is not a dpkg package.
if(RWB_HAVE_CUDA)
  set(_cuda_mm "${CUDAToolkit_VERSION_MAJOR}-${CUDAToolkit_VERSION_MINOR}")
  set(_cuda_deps "reasoning-workbench (= ${PROJECT_VERSION}), libc6, libstdc++6")
  get_target_property(_cuda_links rwb_cuda LINK_LIBRARIES)
  if(_cuda_links MATCHES "CUDA::cublas")
    string(APPEND _cuda_deps ", libcublas-${_cuda_mm} | libcublas${CUDAToolkit_VERSION_MAJOR}")
  endif()
  if(_cuda_links MATCHES "CUDA::cudart([;]|$)")
    string(APPEND _cuda_deps ", cuda-cudart-${_cuda_mm} | libcudart${CUDAToolkit_VERSION_MAJOR}")
  endif()
  set(CPACK_DEBIAN_CUDA_PACKAGE_NAME "reasoning-workbench-cuda")
  set(CPACK_DEBIAN_CUDA_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_CUDA_PACKAGE_DEPENDS "${_cuda_deps}")
  set(CPACK_DEBIAN_CUDA_PACKAGE_RECOMMENDS "nvidia-driver | libcuda1")
  set(CPACK_DEBIAN_CUDA_PACKAGE_SECTION "contrib/science")
  set(CPACK_DEBIAN_CUDA_DESCRIPTION "NVIDIA GPU backend for Reasoning Workbench\nThe CUDA module that reasoning-workbench and rwb load at run time to run\nmodels on NVIDIA GPUs (compute capability 7.5 and newer). Without a driver\nthey use the CPU.")
endif()
