# The phone detector's numbering-plan tables, generated at build time from
# libphonenumber's PhoneNumberMetadata.xml (Debian source package fetched by
# scripts/fetch-sources) by cmake/gen_phone_metadata.py. Same for the native
# and the Emscripten build; nothing generated is committed.
#   SEALSHOT_PHONE_METADATA_XML   the XML
#   sealshot_phone_tables(OUT)    custom command writing the C++ tables to OUT
#   sealshot_phone_examples(OUT)  custom command writing the test rows to OUT
#   sealshot_phone_examples_json(OUT)  the same rows as JSON (wasm Node test)
set(SEALSHOT_PHONE_METADATA_XML "${SEALSHOT_DEPS_DIR}/libphonenumber/resources/PhoneNumberMetadata.xml")
if(NOT EXISTS "${SEALSHOT_PHONE_METADATA_XML}")
  message(FATAL_ERROR "libphonenumber metadata not found at ${SEALSHOT_PHONE_METADATA_XML}: run scripts/setup first.")
endif()
# A host program even under emcmake, whose toolchain would otherwise look in its sysroot.
find_program(SEALSHOT_PYTHON3 NAMES python3 NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(SEALSHOT_PHONE_GENERATOR "${CMAKE_CURRENT_LIST_DIR}/gen_phone_metadata.py")

function(sealshot_phone_tables out)
  add_custom_command(OUTPUT "${out}"
    COMMAND "${SEALSHOT_PYTHON3}" "${SEALSHOT_PHONE_GENERATOR}" --xml "${SEALSHOT_PHONE_METADATA_XML}" --tables "${out}"
    DEPENDS "${SEALSHOT_PHONE_GENERATOR}" "${SEALSHOT_PHONE_METADATA_XML}"
    COMMENT "Generating phone numbering-plan tables from libphonenumber metadata"
    VERBATIM)
endfunction()

function(sealshot_phone_examples out)
  add_custom_command(OUTPUT "${out}"
    COMMAND "${SEALSHOT_PYTHON3}" "${SEALSHOT_PHONE_GENERATOR}" --xml "${SEALSHOT_PHONE_METADATA_XML}" --examples "${out}"
    DEPENDS "${SEALSHOT_PHONE_GENERATOR}" "${SEALSHOT_PHONE_METADATA_XML}"
    COMMENT "Generating phone example rows from libphonenumber metadata"
    VERBATIM)
endfunction()

function(sealshot_phone_examples_json out)
  add_custom_command(OUTPUT "${out}"
    COMMAND "${SEALSHOT_PYTHON3}" "${SEALSHOT_PHONE_GENERATOR}" --xml "${SEALSHOT_PHONE_METADATA_XML}" --examples-json "${out}"
    DEPENDS "${SEALSHOT_PHONE_GENERATOR}" "${SEALSHOT_PHONE_METADATA_XML}"
    COMMENT "Generating phone example rows (JSON) from libphonenumber metadata"
    VERBATIM)
endfunction()
