# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE): the .deb installs under /usr,
# the tarball has bin/, share/, lib/ at its top so that it unpacks anywhere (relocatable).
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
  set(CPACK_SET_DESTDIR OFF)
endif()
