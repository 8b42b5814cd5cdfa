# Install rules and the Debian package (cpack), for the native build only.
#   cmake --build build && cpack --config build/CPackConfig.cmake -B OUTDIR
# gives sealshot_VERSION_ARCH.deb: both programs, the widget and console builds
# that scripts/build writes into the build folder (build/widget, build/console),
# /etc/sealshot/sealshot.toml (a conffile), the systemd unit and the
# maintainer scripts that make the system user and /var/lib/sealshot
# (packaging/, docs/operations.md "Install on Debian").
# Only the component "sealshot" is packaged, so a dependency's own install()
# rules never end up in the package.

# The rules describe the Debian package's layout, whatever CMAKE_INSTALL_PREFIX
# an existing build folder has cached: cpack installs under /usr, and the
# unit, the settings file and the maintainer scripts name these fixed paths.
set(SEALSHOT_PACKAGE_PREFIX /usr)
# cpack (and `ninja install`) install what is built, the two programs, instead
# of first building every target of the tree (its "preinstall" step depends on
# all by default): CI's build/ has no GoogleTest binaries or benchmarks
# (scripts/build --no-native-tests), and packaging must not compile them.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(GNUInstallDirs)  # relative bin, share, share/doc/sealshot

set(SEALSHOT_WIDGET_BUILD_DIR "${CMAKE_BINARY_DIR}/widget" CACHE PATH
    "The widget build to install (widget-js/build.mjs writes it; scripts/build puts it here)")
set(SEALSHOT_CONSOLE_BUILD_DIR "${CMAKE_BINARY_DIR}/console" CACHE PATH
    "The review console build to install (wasm/console/build.mjs; scripts/build puts it here)")

# Paths the unit, the config file and the maintainer scripts name.
set(SEALSHOT_SERVER_PATH "${SEALSHOT_PACKAGE_PREFIX}/${CMAKE_INSTALL_BINDIR}/sealshot-server")
set(SEALSHOT_CONFIG_DIR /etc/sealshot)
set(SEALSHOT_CONFIG_FILE "${SEALSHOT_CONFIG_DIR}/sealshot.toml")
set(SEALSHOT_DATA_DIR /var/lib/sealshot)
# The widget as served: the packaged build copied over the earlier ones, so
# their hashed files outlive an upgrade (packaging/debian/postinst.in).
set(SEALSHOT_SERVED_WIDGET_DIR /var/lib/sealshot-widget)
set(SEALSHOT_SHARE_DIR "${SEALSHOT_PACKAGE_PREFIX}/${CMAKE_INSTALL_DATADIR}/sealshot")
set(SEALSHOT_DOC_DIR "${SEALSHOT_PACKAGE_PREFIX}/${CMAKE_INSTALL_DOCDIR}")  # /usr/share/doc/sealshot
set(SEALSHOT_UNIT_DIR "${SEALSHOT_PACKAGE_PREFIX}/lib/systemd/system")

set(packaging "${CMAKE_SOURCE_DIR}/packaging")
set(generated "${CMAKE_BINARY_DIR}/packaging")
configure_file("${packaging}/sealshot.service.in" "${generated}/sealshot.service" @ONLY)
configure_file("${packaging}/sealshot.toml.in" "${generated}/sealshot.toml" @ONLY)
foreach(script postinst prerm postrm)
  configure_file("${packaging}/debian/${script}.in" "${generated}/debian/${script}" @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
configure_file("${packaging}/debian/conffiles.in" "${generated}/debian/conffiles" @ONLY)

install(TARGETS sealshot-server sealshot RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT sealshot)

# The web builds are made by node, outside CMake: say which command makes a
# missing one (each build's entry file marks it).
foreach(build widget:widget.js console:index.html)
  string(REPLACE ":" ";" build "${build}")
  list(GET build 0 name)
  list(GET build 1 entry)
  string(TOUPPER "${name}" upper)
  set(dir "${SEALSHOT_${upper}_BUILD_DIR}")
  install(CODE "if(NOT EXISTS \"${dir}/${entry}\")
  message(FATAL_ERROR \"The ${name} build is missing (no ${dir}/${entry}): run scripts/build first.\")
endif()" COMPONENT sealshot)
  install(DIRECTORY "${dir}/" DESTINATION "${CMAKE_INSTALL_DATADIR}/sealshot/${name}" COMPONENT sealshot)
endforeach()

install(FILES "${generated}/sealshot.toml" DESTINATION "${SEALSHOT_CONFIG_DIR}" COMPONENT sealshot)
install(FILES "${generated}/sealshot.service" DESTINATION "${SEALSHOT_UNIT_DIR}" COMPONENT sealshot)
install(FILES "${CMAKE_SOURCE_DIR}/docs/operations.md" "${CMAKE_SOURCE_DIR}/docs/http-api.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT sealshot)
include("${CMAKE_CURRENT_LIST_DIR}/package_copyright.cmake")  # /usr/share/doc/sealshot/copyright
install(FILES "${CMAKE_SOURCE_DIR}/docs/nginx/sealshot.conf" DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples"
        RENAME nginx-sealshot.conf COMPONENT sealshot)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sealshot)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "Sealshot maintainers <sealshot@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "privacy-first website feedback: ingest server and admin CLI")
set(CPACK_PACKAGE_DESCRIPTION "A site embeds one script tag; visitors send a comment and a screenshot that
their browser redacts and encrypts to the project's key. sealshot-server stores the
ciphertext per project and serves the widget and the review console; the sealshot
CLI administers projects and opens reports.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${SEALSHOT_PACKAGE_PREFIX}")
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};sealshot;sealshot;/")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries themselves (dpkg-shlibdeps), plus
# what the maintainer scripts call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${generated}/debian/postinst" "${generated}/debian/prerm" "${generated}/debian/postrm"
    "${generated}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
