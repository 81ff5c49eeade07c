# Linux desktop integration installed with the main component: desktop entry, AppStream
# metainfo, GGUF MIME type, hicolor icons (PNGs rendered from the SVG at build time), gzip'd man
# pages, Debian copyright and changelog. Paths are relative to the prefix (/usr in the .deb).
set(_res ${PROJECT_SOURCE_DIR}/resources)
set(_gen ${CMAKE_CURRENT_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${_gen})

install(FILES ${_res}/linux/${RWB_PACKAGE_ID}.desktop DESTINATION share/applications)
install(FILES ${_res}/linux/reasoning-workbench-gguf.xml DESTINATION share/mime/packages)
configure_file(${_res}/linux/${RWB_PACKAGE_ID}.metainfo.xml ${_gen}/${RWB_PACKAGE_ID}.metainfo.xml @ONLY)
install(FILES ${_gen}/${RWB_PACKAGE_ID}.metainfo.xml DESTINATION share/metainfo)

# Icons: the scalable SVG plus PNGs at the hicolor sizes, rendered by rsvg-convert (librsvg2-bin)
# or, failing that, ImageMagick built with an SVG delegate.
install(FILES ${_res}/icons/reasoning-workbench.svg DESTINATION share/icons/hicolor/scalable/apps
  RENAME ${RWB_PACKAGE_ID}.svg)
find_program(RWB_RSVG_CONVERT rsvg-convert)
find_program(RWB_IMAGEMAGICK_CONVERT convert)
set(_icon_outputs)
foreach(_size 16 22 24 32 48 64 128 256 512)
  set(_png ${_gen}/icons/${_size}x${_size}/${RWB_PACKAGE_ID}.png)
  if(RWB_RSVG_CONVERT)
    set(_render ${RWB_RSVG_CONVERT} -w ${_size} -h ${_size} -o ${_png} ${_res}/icons/reasoning-workbench.svg)
  elseif(RWB_IMAGEMAGICK_CONVERT)
    set(_render ${RWB_IMAGEMAGICK_CONVERT} -background none -density 300 ${_res}/icons/reasoning-workbench.svg
      -resize ${_size}x${_size} ${_png})
  else()
    message(WARNING "Neither rsvg-convert (librsvg2-bin) nor ImageMagick found: no PNG icons in packages")
    break()
  endif()
  add_custom_command(OUTPUT ${_png}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_gen}/icons/${_size}x${_size}
    COMMAND ${_render}
    DEPENDS ${_res}/icons/reasoning-workbench.svg
    COMMENT "Rendering ${_size}x${_size} icon" VERBATIM)
  list(APPEND _icon_outputs ${_png})
  install(FILES ${_png} DESTINATION share/icons/hicolor/${_size}x${_size}/apps)
endforeach()

# Man pages (section 1, gzip -9n: reproducible, as Debian policy wants) and the Debian changelog.
string(TIMESTAMP _changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${_gen}/changelog @ONLY)
set(_gz_outputs)
foreach(_src ${CMAKE_CURRENT_LIST_DIR}/../man/rwb.1 ${CMAKE_CURRENT_LIST_DIR}/../man/reasoning-workbench.1
             ${_gen}/changelog)
  get_filename_component(_name ${_src} NAME)
  add_custom_command(OUTPUT ${_gen}/${_name}.gz
    COMMAND sh -c "gzip -9nc '${_src}' > '${_gen}/${_name}.gz'"
    DEPENDS ${_src} COMMENT "Compressing ${_name}" VERBATIM)
  list(APPEND _gz_outputs ${_gen}/${_name}.gz)
endforeach()
install(FILES ${_gen}/rwb.1.gz ${_gen}/reasoning-workbench.1.gz DESTINATION share/man/man1)
install(FILES ${_gen}/changelog.gz ${CMAKE_CURRENT_LIST_DIR}/copyright
  DESTINATION share/doc/reasoning-workbench)
if(RWB_HAVE_CUDA) # Debian policy: every package has its own copyright and changelog
  install(FILES ${_gen}/changelog.gz ${CMAKE_CURRENT_LIST_DIR}/copyright
    DESTINATION share/doc/reasoning-workbench-cuda COMPONENT cuda)
endif()
install(FILES ${CMAKE_CURRENT_LIST_DIR}/lintian-overrides DESTINATION share/lintian/overrides
  RENAME reasoning-workbench)

add_custom_target(rwb_linux_desktop_files ALL DEPENDS ${_icon_outputs} ${_gz_outputs})
