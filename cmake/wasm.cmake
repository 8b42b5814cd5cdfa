# Every Emscripten link flag in one place. Applied to the core module target by
# wasm/CMakeLists.txt.
set(SEALSHOT_WASM_EXPORTS
  sealshot_output_data sealshot_output_size sealshot_output_clear
  sealshot_error_message sealshot_error_name sealshot_core_info
  sealshot_redact sealshot_png_encode sealshot_seal sealshot_seal_report sealshot_seal_screenshot_report
  sealshot_png_size sealshot_open
  sealshot_payload_unpack sealshot_part_count sealshot_part_name sealshot_part_type
  sealshot_part_data sealshot_part_size sealshot_parts_clear
  sealshot_pii_scan sealshot_keypair_generate sealshot_envelope_inspect
  malloc free)
list(TRANSFORM SEALSHOT_WASM_EXPORTS PREPEND "_")
list(JOIN SEALSHOT_WASM_EXPORTS "," SEALSHOT_WASM_EXPORT_LIST)

set(SEALSHOT_WASM_LINK_FLAGS
  -O3
  # An ES module factory; "web" keeps Node-only code (require, __dirname) out,
  # and Node loads it too when given wasmBinary (docs/platform notes).
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sENVIRONMENT=web -sEXPORT_NAME=createSealshotCore
  -sFILESYSTEM=0
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432 -sMAXIMUM_MEMORY=2147483648
  -sTOTAL_STACK=1048576   # Emscripten 3.1.6 name (STACK_SIZE arrived in 3.1.25)
  "-sEXPORTED_FUNCTIONS=[${SEALSHOT_WASM_EXPORT_LIST}]"
  "-sEXPORTED_RUNTIME_METHODS=['UTF8ToString','stringToUTF8','lengthBytesUTF8']"
  -sDYNAMIC_EXECUTION=0   # no eval: works under a strict Content-Security-Policy
)

function(sealshot_wasm_module target)
  target_link_options(${target} PRIVATE ${SEALSHOT_WASM_LINK_FLAGS})
  set_target_properties(${target} PROPERTIES SUFFIX ".mjs")
endfunction()

# The account module (wasm/account/): the same runtime settings with its own
# factory name and export list. Its memory grows to the Argon2id memlimit on
# the first derivation (kKdfMaxParams bounds it well below MAXIMUM_MEMORY).
set(SEALSHOT_ACCOUNT_WASM_EXPORTS
  sealshot_account_output_data sealshot_account_output_size sealshot_account_output_clear
  sealshot_account_error_message sealshot_account_error_name sealshot_account_kdf_param
  sealshot_account_salt_generate sealshot_account_derive sealshot_account_keypair_generate
  sealshot_account_wrap sealshot_account_unwrap sealshot_account_unwrap_bytes sealshot_account_seal_grant sealshot_account_open_grant
  sealshot_account_fingerprint sealshot_account_password_check
  malloc free)
list(TRANSFORM SEALSHOT_ACCOUNT_WASM_EXPORTS PREPEND "_")
list(JOIN SEALSHOT_ACCOUNT_WASM_EXPORTS "," SEALSHOT_ACCOUNT_WASM_EXPORT_LIST)

function(sealshot_wasm_account_module target)
  set(flags ${SEALSHOT_WASM_LINK_FLAGS})
  list(FILTER flags EXCLUDE REGEX "^-s(EXPORTED_FUNCTIONS|EXPORT_NAME)=")
  target_link_options(${target} PRIVATE ${flags} -sEXPORT_NAME=createSealshotAccount
                      "-sEXPORTED_FUNCTIONS=[${SEALSHOT_ACCOUNT_WASM_EXPORT_LIST}]")
  set_target_properties(${target} PROPERTIES SUFFIX ".mjs")
endfunction()
