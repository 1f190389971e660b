# Debian packages with CPack's DEB generator (docs/operations.md says why not debhelper):
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/packages/*.deb
# Three packages, one per install() COMPONENT:
#   linkage-hub       hubd, hubctl, the systemd unit, /etc/linkage-hub/hubd.conf, the user
#   linkage-kiosk     kiosk, BIZ UDPGothic, assets, the cage kiosk session unit
#   linkage-testcard  the virtual card and the test CA tool (demos and training only)
# Dependencies come from the libraries linked (dpkg-shlibdeps), plus the few programs the
# units call. Build with Debian's flags: eval "$(dpkg-buildflags --export=sh)" first.
include(GNUInstallDirs)
set(PKG_DIR ${CMAKE_SOURCE_DIR}/packaging)

# Per-package files Debian policy asks for (copyright, changelog) and the units.
foreach(pkg linkage-hub linkage-kiosk linkage-testcard)
    string(REPLACE "linkage-" "" comp ${pkg})
    install(FILES ${PKG_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg}
            COMPONENT ${comp})
    set(gz ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.gz)
    add_custom_command(OUTPUT ${gz}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/${pkg}
        COMMAND gzip -9nc ${PKG_DIR}/debian/changelog > ${gz}
        DEPENDS ${PKG_DIR}/debian/changelog)
    add_custom_target(changelog-${comp} ALL DEPENDS ${gz})
    install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg} COMPONENT ${comp})
endforeach()

if(TARGET hubd)
    install(TARGETS hubd hubctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT hub)
    install(FILES ${PKG_DIR}/systemd/linkage-hub.service DESTINATION /lib/systemd/system
            COMPONENT hub)
    install(FILES ${PKG_DIR}/systemd/linkage-hub.sysusers DESTINATION lib/sysusers.d
            RENAME linkage-hub.conf COMPONENT hub)
    install(FILES ${PKG_DIR}/hubd.conf DESTINATION /etc/linkage-hub COMPONENT hub)
    install(FILES ${CMAKE_SOURCE_DIR}/docs/operations.md
            DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/linkage-hub COMPONENT hub)
endif()
if(TARGET kiosk)
    install(FILES ${PKG_DIR}/systemd/linkage-kiosk.service DESTINATION /lib/systemd/system
            COMPONENT kiosk)
    install(FILES ${PKG_DIR}/systemd/linkage-kiosk.sysusers DESTINATION lib/sysusers.d
            RENAME linkage-kiosk.conf COMPONENT kiosk)
    install(FILES ${PKG_DIR}/kiosk.conf DESTINATION /etc/linkage-kiosk COMPONENT kiosk)
endif()
if(TARGET vcard)
    install(TARGETS vcard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT testcard)
    install(PROGRAMS ${CMAKE_SOURCE_DIR}/tools/testca/make-ca.sh
            DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME linkage-test-ca COMPONENT testcard)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME linkage)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Linkage kiosk team <kiosk@example.org>")
set(CPACK_PACKAGE_VENDOR "Linkage kiosk team")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL hub kiosk testcard)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/linkage")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_HUB_PACKAGE_NAME linkage-hub)
set(CPACK_DEBIAN_HUB_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "systemd")
set(CPACK_COMPONENT_HUB_DESCRIPTION "linkage hub for the resident kiosks\n\
hubd keeps residents' daily check-ins, alerts to family and city\n\
staff, health checkups and shopping orders behind an HTTP API; hubctl\n\
enrols residents and devices, verifies the audit chain and backs the\n\
database up. Runs as a sandboxed systemd service with a watchdog.")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    "${PKG_DIR}/debian/hub/postinst;${PKG_DIR}/debian/hub/prerm;${PKG_DIR}/debian/hub/postrm;${PKG_DIR}/debian/hub/conffiles")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME linkage-kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION x11)
# cage 0.1.4 (Debian 12) will not start without Xwayland.
# espeak-ng-data: the voices the kiosk reads aloud with (libespeak-ng1 comes from SHLIBDEPS)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "cage, xwayland, systemd, espeak-ng-data")
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "resident kiosk for daily check-ins (touch screen)\n\
A large-text touch application for elderly residents: the daily check-\n\
in, help, family messages, checkup results and shopping, talking to\n\
the linkage hub. Ships a systemd unit that runs it full screen under\n\
the cage Wayland compositor on tty1.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${PKG_DIR}/debian/kiosk/postinst;${PKG_DIR}/debian/kiosk/prerm;${PKG_DIR}/debian/kiosk/postrm;${PKG_DIR}/debian/kiosk/conffiles")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_TESTCARD_PACKAGE_NAME linkage-testcard)
set(CPACK_DEBIAN_TESTCARD_PACKAGE_DEPENDS "pcscd, vsmartcard-vpcd, openssl")
set(CPACK_COMPONENT_TESTCARD_DESCRIPTION "virtual test My Number card for linkage demos\n\
A virtual smart card for pcscd (through vpcd) that answers like a\n\
resident's card, and linkage-test-ca, which makes a TEST certificate\n\
authority and residents' certificates. For demonstrations and staff\n\
training only, never for real residents.")
include(CPack)
