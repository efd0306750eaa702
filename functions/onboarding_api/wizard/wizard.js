// The onboarding wizard. Plain JS, no build step. The management token lives only in memory and
// sessionStorage (gone when the tab closes); it is read from the settings link's URL fragment,
// which the browser never sends to the server.
"use strict";

const STRINGS = {
  en: {
    // The reconciliation panel of the cockpit.
    recon_intro: "Every night we check that each invoice booked in Rackbeat the day before exists exactly once in Tripletex, with the same total and the same VAT per rate, and that the customers and products on it agree.",
    recon_never: "No reconciliation has run yet.",
    recon_last: "Last check {when}, of {day}. Compared: invoices {invoices}, customers {customers}, products {products}.",
    recon_last_gaps: "{gaps} differences found.", recon_last_gap: "1 difference found.", recon_last_clean: "No differences.",
    recon_gaps_caption: "Differences between Rackbeat and Tripletex",
    recon_col_day: "Day", recon_col_what: "What", recon_col_difference: "Difference", recon_col_action: "Action",
    recon_what_invoice: "Invoice {key}", recon_what_customer: "Customer {key}", recon_what_product: "Product {key}",
    recon_kind_invoice_missing: "Missing in Tripletex", recon_kind_invoice_duplicate: "Duplicated in Tripletex",
    recon_kind_invoice_total: "Totals differ", recon_kind_invoice_vat: "VAT per rate differs",
    recon_kind_customer_fields: "Fields differ", recon_kind_product_fields: "Fields differ",
    recon_resent_at: "Resent {when}.",
    recon_resend: "Resend", recon_resend_named: "Resend {what}",
    recon_resent_one: "{what} is queued to be sent to Tripletex again. Check again in a moment to see the difference gone.",
    recon_not_resendable: "{what} is not resent: this difference is fixed in Tripletex.",
    recon_gone: "{what} was no longer a difference; check again to see the latest.",
    recon_check_day: "Day to check", recon_check: "Check now", recon_checking: "Checking…",
    recon_checked: "Checked {day}: {result}",
    recon_range_heading: "Resend invoices for a period",
    recon_range_intro: "We check each day again and resend every invoice that is missing or differs in Tripletex (at most 31 days at a time).",
    recon_from: "From", recon_to: "To", recon_range_send: "Resend the invoices",
    recon_range_bad: "The from date must be on or before the to date, and the period at most 31 days.",
    recon_range_queued: "{from} to {to}: {count} invoices queued to be sent again.",
    recon_range_queued_one: "{from} to {to}: 1 invoice queued to be sent again.",
    recon_range_nothing: "{from} to {to}: no invoice was missing or different, nothing was resent.",
    recon_range_duplicates: "{count} duplicated invoices are not resent: credit the extra ones in Tripletex.",
    title: "Rackbeat ↔ Tripletex integration",
    step_company: "Company", step_tokens: "Tokens", step_prerequisites: "Groups",
    step_settings: "Settings", step_done: "Done",
    company_heading: "Who are you?",
    company_intro: "We use these details only to reach you about this integration.",
    company_name: "Company name", contact_name: "Contact person", contact_email: "Contact email",
    start_onboarding: "Start onboarding",
    token_heading: "Your management key",
    token_warning: "This key is shown only once. It lets anyone change this integration: keep it somewhere safe. You will also get it by email, inside your settings link, when setup is finished.",
    token_saved: "I have saved it, continue",
    tokens_heading: "Connect Rackbeat and Tripletex",
    rackbeat_api_token: "Rackbeat API token",
    tripletex_consumer_token: "Tripletex consumer token",
    tripletex_employee_token: "Tripletex employee token",
    howto: "How do I get it?",
    rb_howto_1: "Log in to Rackbeat as an administrator.",
    rb_howto_2: "Open Settings → API and create a new token, named “Tripletex”.",
    rb_howto_3: "Copy the whole token at once: Rackbeat shows it only when it is created.",
    tx_consumer_howto: "The consumer token identifies this integration to Tripletex. It is given to you with the integration (by your provider); you do not create it in Tripletex.",
    tx_howto_1: "In Tripletex, go to Company → My subscription and order “API 2.0” (once).",
    tx_howto_2: "Click your company name in the left menu → My profile → More → API access.",
    tx_howto_3: "Create a new token: application “Rackbeat WMS”, name it “Rackbeat”.",
    tx_howto_4: "Give the token access to customers, suppliers, products and customer invoices, then copy it.",
    check_tokens: "Check the tokens", checking: "Checking…",
    tokens_ok: "All checks passed. The tokens are saved.",
    next: "Next",
    prereq_heading: "Groups in Rackbeat",
    prereq_intro: "Records imported from Tripletex are put into a customer group, a supplier group, a product group (stock goods) and a service group (products not kept in stock). We looked them up in your Rackbeat.",
    customer_groups: "Customer groups", supplier_groups: "Supplier groups",
    product_groups: "Product groups", payment_terms: "Payment terms",
    stock: "stock", service: "service", none_found: "none",
    counts: "In Tripletex: {customers} customers, {suppliers} suppliers, {products} products.",
    missing: "Missing in Rackbeat: {kinds}.",
    kind_customer_group: "a customer group", kind_supplier_group: "a supplier group",
    kind_product_group: "a product group for stock goods", kind_service_group: "a service group",
    create_groups: "Create them for me",
    prereq_complete: "All the groups the import needs exist.",
    settings_heading: "What should be synchronised?",
    settings_for: "Settings for {company}",
    relink_warning: "Your tokens stopped working, so synchronisation is paused. Enter new tokens to resume.",
    to_tripletex: "Rackbeat → Tripletex", to_rackbeat: "Tripletex → Rackbeat",
    customers: "Customers", suppliers: "Suppliers", products: "Products", invoices: "Booked invoices",
    mode_invoice: "as a booked invoice", mode_order: "as a sales order",
    interval: "Check for changes every (minutes)",
    notification_email: "Email for sync problems",
    save_settings: "Save settings",
    settings_saved: "Settings saved.",
    link_sent: "Settings saved. We emailed a settings link to {email}.",
    edit_tokens: "Enter new tokens", rotate: "Create a new settings link",
    rotate_confirm: "The current link stops working and a new one is emailed to the contact. Continue?",
    done_heading: "The integration is running",
    done_text: "We emailed a link to {email}. Use it to change these settings at any time.",
    open_settings: "Change settings",
    err_required: "Please fill this in.",
    err_email: "This is not an email address (expected name@company.no).",
    err_network: "We could not reach the service. Check your connection and try again.",
    err_session: "This page no longer has access to the integration. Open the settings link from your latest email.",
    sign_in_heading: "Already set up?",
    sign_in_intro: "We email a sign-in link to the integration's contact address.",
    sign_in_email: "Contact email",
    sign_in_send: "Email me a sign-in link",
    verify_pending: "Confirm your email address: open the link we sent to {email}. Until then we email nothing else, and an unconfirmed setup is deleted after a day.",
    verify_resend: "Send the link again",
    last_used: "This session was last used {when}; it ends {ends} at the latest.",
    err_generic: "Something went wrong: {message}",
    step_initial_sync: "Import",
    import_heading: "Import from Tripletex",
    import_intro: "Copy your Tripletex customers, suppliers and products into Rackbeat once. Preview it first: the preview changes nothing. You can also skip this step.",
    import_what: "What to import",
    customer_group: "Customer group", supplier_group: "Supplier group",
    product_group: "Product group for stock goods", service_group: "Group for services (no stock)",
    terms_heading: "Payment terms",
    terms_intro: "Tripletex gives each customer a number of days to pay. We matched each number of days your customers have to the Rackbeat term with the same days; change it if you like. The default covers the rest.",
    terms_default: "Default payment term", terms_days: "{days} days", use_default: "use the default",
    preview: "Preview", import_start: "Import", skip: "Skip this step", previewing: "Reading both systems…",
    preview_heading: "What the import would do",
    col_total: "In Tripletex", col_create: "New", col_link: "Already in Rackbeat", col_fail: "Would fail",
    entity_customer: "Customers", entity_supplier: "Suppliers", entity_product: "Products",
    preview_ok: "Nothing would fail.",
    missing_units: "Rackbeat has no unit named {units}, so the products that use it would fail. Let us create the units in Rackbeat, named as in Tripletex (or create them yourself under Settings → Units and preview again).",
    create_units: "Create the missing units",
    import_running: "Importing: {done} of {total} records ({percent} %).",
    import_eta: "About {seconds} seconds left.",
    import_planned: "The import is starting…",
    import_completed: "The import is finished: {done} records, none failed.",
    import_completed_with_failures: "The import is finished: {done} records, {failed} could not be imported. Fix them and retry from the settings page.",
    import_locked: "The import already ran (started {started}). It runs only once; failed records are retried from the settings page.",
    pick_entity: "Choose at least one kind of record.",
    runs_heading: "Last synchronisations", runs_empty: "Nothing synchronised yet.",
    col_stream: "What", col_started: "Started", col_read: "Read", col_written: "Written", col_failed: "Failed",
    failures_heading: "Records that did not sync", failures_empty: "No failed records.",
    retry: "Retry", retry_done: "{count} records are being synchronised again. Reload in a moment to see the result.",
    source_initial_sync: "initial import",
    webhooks_all: "Rackbeat tells us about changes at once: all {wanted} webhooks are registered.",
    webhooks_some: "{registered} of {wanted} Rackbeat webhooks are registered. Changes without a webhook arrive with the scheduled sync, at most {minutes} minutes later.",
    webhooks_none: "No Rackbeat webhooks are registered yet. Changes arrive with the scheduled sync, at most {minutes} minutes later.",
    back: "Back", step_cockpit: "Overview",
    tokens_saved_before: "The tokens are saved and checked. Enter new ones only to replace them.",
    import_close: "You can close this page: we email you when the import is done. The settings come after it.",
    import_planning: "Planning the import: counting the records in Tripletex. This takes up to a minute.",
    invoice_mode: "How booked invoices reach Tripletex",
    pick_stream: "Choose at least one thing to synchronise.",
    no_groups: "Rackbeat has no {kinds} yet, so the import has nowhere to put these records. Go back and let us create them, or skip the import.",
    terms_row: "{days} days ({customers} customers)", terms_row_one: "{days} days (1 customer)",
    terms_chosen_one: "The one customer with {days} days to pay gets “{term}” in Rackbeat.",
    terms_chosen: "{customers} customers with {days} days to pay get “{term}” in Rackbeat.",
    open_cockpit: "Open the overview", cockpit_heading: "Overview",
    fix_token: "Save the new token",
    fix_label_rackbeat_api_token: "New Rackbeat API token",
    fix_label_tripletex_consumer_token: "New Tripletex consumer token",
    fix_label_tripletex_employee_token: "New Tripletex employee token",
    streams_heading: "Synchronisation per kind of record",
    col_last_ok: "Last successful", col_today: "Today", col_open: "Open failures", never: "not yet", off: "off",
    retry_all: "Retry all", retry_one: "Retry",
    webhooks_heading: "How changes reach us",
    reconciliation_heading: "Reconciliation",
    offboard_heading: "Disconnect and delete the integration",
    offboard_intro: "Synchronisation stops, our webhooks are removed from Rackbeat and everything we stored is deleted. Your data in Rackbeat and Tripletex stays. To confirm, type the company name; we then email a confirmation link to the contact.",
    offboard_label: "Type “{company}” to confirm",
    offboard: "Delete the integration",
    deleted_heading: "The integration is deleted",
    deleted_text: "Nothing is synchronised any more and everything we stored is gone. We emailed the contact.",
    mismatch_heading: "Check the company",
    checks_not_run: "{count} more checks wait for this to be fixed: {names}.",
    ago_minutes: "{n} min ago", ago_hours: "{n} h ago", ago_days: "{n} days ago",
    // Issue 15: the import's employees and the settings of the ledger streams.
    import_employees: "Also import employees",
    import_employees_explain: "Tripletex employees become Rackbeat employees (name, email, initials), once; one whose email Rackbeat already has is not created again. They get no login and no invitation.",
    stock_value_hint: "Each period gets one voucher, dated its last day, that moves the inventory account to Rackbeat's stock value against the offset account. The accounts are the active ones in your Tripletex chart of accounts.",
    stock_value_schedule: "Post the stock value",
    schedule_daily: "every day", schedule_weekly: "every week", schedule_monthly: "every month",
    inventory_account: "Inventory account", offset_account: "Offset account (change in inventory)",
    pick_account: "Choose an account", accounts_loading: "Reading the chart of accounts from Tripletex…",
    err_pick_account: "Choose an account from the list.",
    err_same_account: "Choose another account than the inventory account.",
    goods_receipts: "Goods received in Rackbeat",
    receipts_off: "are not sent (the order only, to match the supplier invoice)",
    receipts_register: "are registered on the Tripletex purchase order",
    receipts_confirm: "are registered and confirmed (moves the stock in Tripletex: only if you keep no stock there)",
    // The import preview's currency warnings.
    preview_currency_missing: "{count} customers/suppliers use {currency}, which the Rackbeat account lacks: turn {currency} on in Rackbeat before the import, or they fail.",
    preview_currency_unchecked: "{count} customers/suppliers use {currency}: turn {currency} on in Rackbeat before the import, or they fail.",
  },
  nb: {
    // Avstemmingspanelet i oversikten.
    recon_intro: "Hver natt sjekker vi at hver faktura som ble bokført i Rackbeat dagen før, finnes nøyaktig én gang i Tripletex, med samme totalbeløp og samme MVA per sats, og at kundene og produktene på den stemmer.",
    recon_never: "Ingen avstemming er kjørt ennå.",
    recon_last: "Siste sjekk {when}, av {day}. Sammenlignet: fakturaer {invoices}, kunder {customers}, produkter {products}.",
    recon_last_gaps: "{gaps} avvik funnet.", recon_last_gap: "1 avvik funnet.", recon_last_clean: "Ingen avvik.",
    recon_gaps_caption: "Avvik mellom Rackbeat og Tripletex",
    recon_col_day: "Dag", recon_col_what: "Hva", recon_col_difference: "Avvik", recon_col_action: "Handling",
    recon_what_invoice: "Faktura {key}", recon_what_customer: "Kunde {key}", recon_what_product: "Produkt {key}",
    recon_kind_invoice_missing: "Mangler i Tripletex", recon_kind_invoice_duplicate: "Finnes flere ganger i Tripletex",
    recon_kind_invoice_total: "Ulikt totalbeløp", recon_kind_invoice_vat: "Ulik MVA per sats",
    recon_kind_customer_fields: "Ulike felt", recon_kind_product_fields: "Ulike felt",
    recon_resent_at: "Sendt på nytt {when}.",
    recon_resend: "Send på nytt", recon_resend_named: "Send {what} på nytt",
    recon_resent_one: "{what} står i kø for å sendes til Tripletex igjen. Sjekk på nytt om litt for å se at avviket er borte.",
    recon_not_resendable: "{what} sendes ikke på nytt: dette avviket rettes i Tripletex.",
    recon_gone: "{what} var ikke lenger et avvik; sjekk på nytt for å se siste status.",
    recon_check_day: "Dag som skal sjekkes", recon_check: "Sjekk nå", recon_checking: "Sjekker…",
    recon_checked: "Sjekket {day}: {result}",
    recon_range_heading: "Send fakturaer for en periode på nytt",
    recon_range_intro: "Vi sjekker hver dag på nytt og sender alle fakturaer som mangler eller er ulike i Tripletex, på nytt (høyst 31 dager om gangen).",
    recon_from: "Fra", recon_to: "Til", recon_range_send: "Send fakturaene på nytt",
    recon_range_bad: "Fra-datoen må være samme dag som eller før til-datoen, og perioden høyst 31 dager.",
    recon_range_queued: "{from}–{to}: {count} fakturaer står i kø for å sendes på nytt.",
    recon_range_queued_one: "{from}–{to}: 1 faktura står i kø for å sendes på nytt.",
    recon_range_nothing: "{from}–{to}: ingen fakturaer manglet eller var ulike, ingenting ble sendt på nytt.",
    recon_range_duplicates: "{count} fakturaer som finnes flere ganger, sendes ikke på nytt: krediter de ekstra i Tripletex.",
    title: "Rackbeat ↔ Tripletex-integrasjon",
    step_company: "Firma", step_tokens: "Nøkler", step_prerequisites: "Grupper",
    step_settings: "Innstillinger", step_done: "Ferdig",
    company_heading: "Hvem er dere?",
    company_intro: "Vi bruker opplysningene bare for å kontakte dere om denne integrasjonen.",
    company_name: "Firmanavn", contact_name: "Kontaktperson", contact_email: "Kontakt-e-post",
    start_onboarding: "Start oppsettet",
    token_heading: "Din administrasjonsnøkkel",
    token_warning: "Nøkkelen vises bare én gang. Den gir full tilgang til å endre integrasjonen: ta vare på den. Du får den også på e-post, i innstillingslenken, når oppsettet er ferdig.",
    token_saved: "Jeg har lagret den, fortsett",
    tokens_heading: "Koble til Rackbeat og Tripletex",
    rackbeat_api_token: "Rackbeat API-nøkkel",
    tripletex_consumer_token: "Tripletex consumer token",
    tripletex_employee_token: "Tripletex employee token (ansattnøkkel)",
    howto: "Hvordan får jeg den?",
    rb_howto_1: "Logg inn i Rackbeat som administrator.",
    rb_howto_2: "Åpne Innstillinger → API og lag en ny nøkkel med navnet «Tripletex».",
    rb_howto_3: "Kopier hele nøkkelen med en gang: Rackbeat viser den bare når den lages.",
    tx_consumer_howto: "Consumer token identifiserer integrasjonen overfor Tripletex. Du får den sammen med integrasjonen (fra leverandøren); den lages ikke i Tripletex.",
    tx_howto_1: "I Tripletex: gå til Selskap → Mitt abonnement og bestill «API 2.0» (én gang).",
    tx_howto_2: "Klikk på firmanavnet i menyen til venstre → Min profil → Mer → API-tilgang.",
    tx_howto_3: "Lag en ny nøkkel: applikasjon «Rackbeat WMS», navn «Rackbeat».",
    tx_howto_4: "Gi nøkkelen tilgang til kunder, leverandører, produkter og kundefakturaer, og kopier den.",
    check_tokens: "Sjekk nøklene", checking: "Sjekker…",
    tokens_ok: "Alle sjekkene er godkjent. Nøklene er lagret.",
    next: "Neste",
    prereq_heading: "Grupper i Rackbeat",
    prereq_intro: "Poster som hentes fra Tripletex legges i en kundegruppe, en leverandørgruppe, en varegruppe (lagervarer) og en tjenestegruppe (varer uten lager). Vi har sett etter dem i Rackbeat.",
    customer_groups: "Kundegrupper", supplier_groups: "Leverandørgrupper",
    product_groups: "Varegrupper", payment_terms: "Betalingsbetingelser",
    stock: "lager", service: "tjeneste", none_found: "ingen",
    counts: "I Tripletex: {customers} kunder, {suppliers} leverandører, {products} produkter.",
    missing: "Mangler i Rackbeat: {kinds}.",
    kind_customer_group: "en kundegruppe", kind_supplier_group: "en leverandørgruppe",
    kind_product_group: "en varegruppe for lagervarer", kind_service_group: "en tjenestegruppe",
    create_groups: "Lag dem for meg",
    prereq_complete: "Alle gruppene importen trenger finnes.",
    settings_heading: "Hva skal synkroniseres?",
    settings_for: "Innstillinger for {company}",
    relink_warning: "Nøklene fungerer ikke lenger, så synkroniseringen er satt på pause. Legg inn nye nøkler for å fortsette.",
    to_tripletex: "Rackbeat → Tripletex", to_rackbeat: "Tripletex → Rackbeat",
    customers: "Kunder", suppliers: "Leverandører", products: "Produkter", invoices: "Bokførte fakturaer",
    mode_invoice: "som bokført faktura", mode_order: "som salgsordre",
    interval: "Se etter endringer hvert (minutter)",
    notification_email: "E-post for synkroniseringsproblemer",
    save_settings: "Lagre innstillinger",
    settings_saved: "Innstillingene er lagret.",
    link_sent: "Innstillingene er lagret. Vi har sendt en innstillingslenke til {email}.",
    edit_tokens: "Legg inn nye nøkler", rotate: "Lag en ny innstillingslenke",
    rotate_confirm: "Den nåværende lenken slutter å virke, og en ny sendes til kontaktpersonen. Fortsette?",
    done_heading: "Integrasjonen kjører",
    done_text: "Vi har sendt en lenke til {email}. Bruk den når du vil endre innstillingene.",
    open_settings: "Endre innstillinger",
    err_required: "Fyll ut dette feltet.",
    err_email: "Dette er ikke en e-postadresse (f.eks. navn@firma.no).",
    err_network: "Vi fikk ikke kontakt med tjenesten. Sjekk nettforbindelsen og prøv igjen.",
    err_session: "Denne siden har ikke lenger tilgang til integrasjonen. Åpne innstillingslenken fra den siste e-posten.",
    err_generic: "Noe gikk galt: {message}",
    step_initial_sync: "Import",
    import_heading: "Importer fra Tripletex",
    import_intro: "Kopier kunder, leverandører og produkter fra Tripletex til Rackbeat én gang. Se forhåndsvisningen først: den endrer ingenting. Du kan også hoppe over dette steget.",
    import_what: "Hva skal importeres",
    customer_group: "Kundegruppe", supplier_group: "Leverandørgruppe",
    product_group: "Varegruppe for lagervarer", service_group: "Gruppe for tjenester (uten lager)",
    terms_heading: "Betalingsbetingelser",
    terms_intro: "Tripletex gir hver kunde et antall dager å betale på. Vi har koblet hvert antall dager kundene deres har, til betingelsen i Rackbeat med like mange dager; endre det om du vil. Standardvalget gjelder resten.",
    terms_default: "Standard betalingsbetingelse", terms_days: "{days} dager", use_default: "bruk standard",
    preview: "Forhåndsvis", import_start: "Importer", skip: "Hopp over", previewing: "Leser begge systemene…",
    preview_heading: "Dette ville importen gjort",
    col_total: "I Tripletex", col_create: "Nye", col_link: "Finnes i Rackbeat", col_fail: "Ville feilet",
    entity_customer: "Kunder", entity_supplier: "Leverandører", entity_product: "Produkter",
    preview_ok: "Ingenting ville feilet.",
    missing_units: "Rackbeat har ingen enhet som heter {units}, så produktene som bruker den, ville feilet. La oss opprette enhetene i Rackbeat med navnene fra Tripletex (eller opprett dem selv under Innstillinger → Enheter, og forhåndsvis på nytt).",
    create_units: "Opprett enhetene som mangler",
    import_running: "Importerer: {done} av {total} poster ({percent} %).",
    import_eta: "Omtrent {seconds} sekunder igjen.",
    import_planned: "Importen starter…",
    import_completed: "Importen er ferdig: {done} poster, ingen feilet.",
    import_completed_with_failures: "Importen er ferdig: {done} poster, {failed} kunne ikke importeres. Rett dem og prøv igjen fra innstillingssiden.",
    import_locked: "Importen er allerede kjørt (startet {started}). Den kjøres bare én gang; poster som feilet prøves igjen fra innstillingssiden.",
    pick_entity: "Velg minst én type poster.",
    runs_heading: "Siste synkroniseringer", runs_empty: "Ingenting er synkronisert ennå.",
    col_stream: "Hva", col_started: "Startet", col_read: "Lest", col_written: "Skrevet", col_failed: "Feilet",
    failures_heading: "Poster som ikke ble synkronisert", failures_empty: "Ingen poster har feilet.",
    retry: "Prøv igjen", retry_done: "{count} poster synkroniseres på nytt. Last inn siden om litt for å se resultatet.",
    source_initial_sync: "første import",
    webhooks_all: "Rackbeat varsler oss om endringer straks: alle {wanted} webhooks er registrert.",
    webhooks_some: "{registered} av {wanted} webhooks i Rackbeat er registrert. Endringer uten webhook kommer med den planlagte synkroniseringen, senest {minutes} minutter senere.",
    webhooks_none: "Ingen webhooks i Rackbeat er registrert ennå. Endringer kommer med den planlagte synkroniseringen, senest {minutes} minutter senere.",
    back: "Tilbake", step_cockpit: "Oversikt",
    tokens_saved_before: "Nøklene er lagret og sjekket. Legg inn nye bare hvis du vil bytte dem.",
    import_close: "Du kan lukke siden: vi sender deg en e-post når importen er ferdig. Innstillingene kommer etterpå.",
    import_planning: "Planlegger importen: teller postene i Tripletex. Dette tar opptil ett minutt.",
    invoice_mode: "Slik kommer bokførte fakturaer til Tripletex",
    pick_stream: "Velg minst én ting som skal synkroniseres.",
    no_groups: "Rackbeat har ikke {kinds} ennå, så importen har ingen steder å legge postene. Gå tilbake og la oss lage dem, eller hopp over importen.",
    terms_row: "{days} dager ({customers} kunder)", terms_row_one: "{days} dager (1 kunde)",
    terms_chosen_one: "Den ene kunden med {days} dagers betalingsfrist får «{term}» i Rackbeat.",
    terms_chosen: "{customers} kunder med {days} dagers betalingsfrist får «{term}» i Rackbeat.",
    open_cockpit: "Åpne oversikten", cockpit_heading: "Oversikt",
    fix_token: "Lagre den nye nøkkelen",
    fix_label_rackbeat_api_token: "Ny Rackbeat API-nøkkel",
    fix_label_tripletex_consumer_token: "Ny Tripletex consumer token",
    fix_label_tripletex_employee_token: "Ny Tripletex employee token (ansattnøkkel)",
    streams_heading: "Synkronisering per type poster",
    col_last_ok: "Sist vellykket", col_today: "I dag", col_open: "Åpne feil", never: "ikke ennå", off: "av",
    retry_all: "Prøv alle igjen", retry_one: "Prøv igjen",
    webhooks_heading: "Slik får vi vite om endringer",
    reconciliation_heading: "Avstemming",
    offboard_heading: "Koble fra og slett integrasjonen",
    offboard_intro: "Synkroniseringen stopper, våre webhooks fjernes fra Rackbeat, og alt vi har lagret slettes. Dataene i Rackbeat og Tripletex blir værende. Skriv firmanavnet for å bekrefte; vi sender så en bekreftelseslenke til kontaktpersonen.",
    offboard_label: "Skriv «{company}» for å bekrefte",
    offboard: "Slett integrasjonen",
    deleted_heading: "Integrasjonen er slettet",
    deleted_text: "Ingenting synkroniseres lenger, og alt vi lagret er borte. Vi har sendt en e-post til kontaktpersonen.",
    mismatch_heading: "Sjekk firmaet",
    checks_not_run: "{count} andre sjekker venter til dette er rettet: {names}.",
    ago_minutes: "for {n} min siden", ago_hours: "for {n} t siden", ago_days: "for {n} dager siden",
    // Issue 15: importens ansatte og innstillingene for regnskapsstrømmene.
    import_employees: "Importer også ansatte",
    import_employees_explain: "Ansatte i Tripletex opprettes som medarbeidere i Rackbeat (navn, e-post, initialer) én gang; en med e-post som allerede finnes i Rackbeat, opprettes ikke på nytt. De får ingen innlogging eller invitasjon.",
    stock_value_hint: "Hver periode får ett bilag, datert periodens siste dag, som justerer lagerkontoen til lagerverdien i Rackbeat mot motkontoen. Kontoene er de aktive i kontoplanen i Tripletex.",
    stock_value_schedule: "Før lagerverdien",
    schedule_daily: "hver dag", schedule_weekly: "hver uke", schedule_monthly: "hver måned",
    inventory_account: "Lagerkonto", offset_account: "Motkonto (beholdningsendring)",
    pick_account: "Velg en konto", accounts_loading: "Leser kontoplanen fra Tripletex…",
    err_pick_account: "Velg en konto fra listen.",
    err_same_account: "Velg en annen konto enn lagerkontoen.",
    goods_receipts: "Varemottak i Rackbeat",
    receipts_off: "sendes ikke (bare ordren, for å matche leverandørfakturaen)",
    receipts_register: "registreres på innkjøpsordren i Tripletex",
    receipts_confirm: "registreres og bekreftes (flytter lageret i Tripletex: bare hvis dere ikke fører lager der)",
    // Valutavarslene i forhåndsvisningen av importen.
    preview_currency_missing: "{count} kunder/leverandører bruker {currency}, som Rackbeat-kontoen ikke har: slå på {currency} i Rackbeat før importen, ellers feiler de.",
    preview_currency_unchecked: "{count} kunder/leverandører bruker {currency}: slå på {currency} i Rackbeat før importen, ellers feiler de.",
  },
};

// The order of steps; Back goes one to the left. The cockpit comes after setup.
const FLOW = ["company", "tokens", "prerequisites", "initial_sync", "settings", "done"];
// Steps whose passing leaves no trace on the server but the one recorded with POST setup/steps.
const RECORDED = ["prerequisites", "initial_sync"];

const state = {
  lang: sessionStorage.getItem("lang") || (/^(nb|nn|no)/.test((navigator.language || "").toLowerCase()) || !navigator.language ? "nb" : "en"),
  tenantId: sessionStorage.getItem("tenantId"),
  token: sessionStorage.getItem("managementToken"),
  tenant: null,
  setup: null,
  step: null,
  returnTo: null,
  missingUnits: [],
  terms: [],
  paymentTerms: [],
};

const $ = (selector) => document.querySelector(selector);

function t(key, values) {
  const text = (STRINGS[state.lang] && STRINGS[state.lang][key]) || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? values[name] : ""));
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "nb" ? "nb" : "en";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang)));
}

function baseUrl() {
  const path = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
  return location.origin + path;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "HTTP " + status);
    this.status = status;
    this.body = body || {};
  }
}

// One request at a time: a session token may be replaced on any answer, and the next request
// must carry the successor. The page is busy (aria-busy) while a request runs.
let inFlight = Promise.resolve();
let pending = 0;

function api(method, path, body) {
  pending += 1;
  document.querySelector("main").setAttribute("aria-busy", "true");
  const run = inFlight.then(() => send(method, path, body));
  const settle = () => {
    pending -= 1;
    if (!pending) document.querySelector("main").removeAttribute("aria-busy");
  };
  inFlight = run.then(settle, settle);
  return run;
}

async function send(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  let response;
  try {
    response = await fetch(new URL(path, baseUrl()), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, { message: t("err_network") });
  }
  // A session token is replaced on use now and then; the answer names its successor.
  const successor = response.headers.get("X-Session-Token");
  if (successor) { state.token = successor; remember(); }
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok) throw new ApiError(response.status, data);
  // 202 with confirmation_required: nothing changed; the contact's mailbox has the link.
  if (data && data.confirmation_required) notice(data.message);
  return data;
}

function tenantPath(suffix) {
  return "tenants/" + encodeURIComponent(state.tenantId) + (suffix || "");
}

function langQuery(path) {
  return path + (path.includes("?") ? "&" : "?") + "lang=" + state.lang;
}

// ---------- errors next to fields, linked to them for screen readers ----------
function linkErrors(root) {
  (root || document).querySelectorAll(".field-error[data-for]").forEach((slot) => {
    slot.id = "err-" + slot.dataset.for;
    document.getElementsByName(slot.dataset.for).forEach((input) => {
      const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!ids.includes(slot.id)) input.setAttribute("aria-describedby", ids.concat(slot.id).join(" "));
    });
  });
}

function clearErrors(form) {
  $("#global-error").hidden = true;
  $("#notice").hidden = true;
  (form || document).querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; });
  (form || document).querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

function fieldError(name, message) {
  const slot = document.querySelector('.field-error[data-for="' + name + '"]');
  const inputs = document.getElementsByName(name);
  inputs.forEach((input) => input.setAttribute("aria-invalid", "true"));
  if (!slot) return false;
  // One problem, one line: the same sentence twice (several checks, one cause) is shown once.
  if (!slot.textContent.includes(message)) slot.textContent = slot.textContent ? slot.textContent + " " + message : message;
  if (inputs[0] && document.activeElement && !document.activeElement.closest(".field-error")) inputs[0].focus();
  return true;
}

function showError(error) {
  if (error.status === 404) {
    globalError(t("err_session"));
    return;
  }
  const detail = error.body && Array.isArray(error.body.detail) ? error.body.detail : [];
  let placed = false;
  detail.forEach((d) => {
    const name = String(d.field || "").split(".").pop();
    placed = fieldError(name, d.message) || placed;
  });
  if (!placed) globalError(error.status ? error.message : t("err_generic", { message: error.message }));
}

// What happened and what to do next, when nothing went wrong (a link sent, an address confirmed).
function notice(message) {
  $("#global-error").hidden = true;
  const banner = $("#notice");
  banner.textContent = message;
  banner.hidden = false;
}

function globalError(message) {
  $("#notice").hidden = true;
  const banner = $("#global-error");
  banner.textContent = message;
  banner.hidden = false;
  banner.setAttribute("tabindex", "-1");
  banner.focus();
}

function requireFields(form, names) {
  let ok = true;
  names.forEach((name) => {
    const input = form.elements[name];
    if (!input.value.trim()) { fieldError(name, t("err_required")); ok = false; }
    else if (input.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.value.trim())) {
      fieldError(name, t("err_email")); ok = false;
    }
  });
  return ok;
}

// ---------- navigation: the server says where setup stands; the page only shows it ----------
function show(step, options) {
  const opts = options || {};
  state.step = step;
  document.querySelectorAll("section.step").forEach((s) => { s.hidden = s.id !== "step-" + step && s.id !== step; });
  document.querySelectorAll("#progress li").forEach((li) => {
    const current = li.dataset.step === step;
    li.classList.toggle("current", current);
    li.classList.toggle("past", FLOW.indexOf(li.dataset.step) < FLOW.indexOf(step) || step === "cockpit");
    if (current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
  });
  $("#progress").hidden = step === "cockpit" || step === "deleted";
  if (!opts.keepMessages) { $("#global-error").hidden = true; }
  // Browser Back and Forward move between the steps shown, not away from the page.
  if (opts.push !== false && (!history.state || history.state.step !== step)) history.pushState({ step: step }, "", location.pathname);
  const section = document.getElementById("step-" + step) || document.getElementById(step);
  const heading = section && section.querySelector("h2");
  if (heading) heading.focus();
  const loader = LOADERS[step];
  if (!loader) return;
  // Until the step has what it shows, its buttons wait: a click must not act on an empty form.
  const buttons = section ? Array.from(section.querySelectorAll("form button")).filter((b) => !b.disabled) : [];
  buttons.forEach((b) => { b.disabled = true; });
  loader().catch(showError).finally(() => {
    buttons.forEach((b) => { if (!b.dataset.blocked) b.disabled = false; });
  });
}

// Where to continue: asked of the server on every load, so a reload, Back or another tab
// (signed in) lands on the same step.
async function resume(options) {
  try {
    state.setup = await api("GET", langQuery(tenantPath("/setup")));
  } catch (e) {
    if (e.status === 404) { forget(); show("company", options); globalError(t("err_session")); return; }
    throw e;
  }
  show(state.setup.step, options);
}

async function pass(step, passed) {
  state.setup = await api("POST", tenantPath("/setup/steps"), { step: step, passed: passed });
}

async function next(step) {
  clearErrors();
  try {
    if (RECORDED.includes(step)) await pass(step, true);
    show(FLOW[FLOW.indexOf(step) + 1]);
  } catch (e) { showError(e); }
}

async function back(step) {
  clearErrors();
  const previous = FLOW[FLOW.indexOf(step) - 1];
  try {
    // Going back un-passes the step gone back to, so a reload lands there too.
    if (RECORDED.includes(previous)) await pass(previous, false);
    show(previous);
  } catch (e) { showError(e); }
}

function remember() {
  sessionStorage.setItem("tenantId", state.tenantId || "");
  sessionStorage.setItem("managementToken", state.token || "");
}

function forget() {
  state.tenantId = null;
  state.token = null;
  remember();
}

// ---------- step: company ----------
async function submitCompany(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!requireFields(form, ["company_name", "contact_name", "contact_email"])) return;
  const body = {
    company_name: form.company_name.value.trim(),
    contact_name: form.contact_name.value.trim(),
    contact_email: form.contact_email.value.trim(),
    language: state.lang,
  };
  try {
    const created = await api("POST", "tenants", body);
    state.tenantId = created.tenant_id;
    state.token = created.management_token;
    remember();
    $("#management-token").textContent = created.management_token;
    show("token-shown");
  } catch (e) { showError(e); }
}

// ---------- step: tokens ----------
async function loadTokens() {
  const saved = state.setup && state.setup.step !== "tokens";
  $("#tokens-saved").hidden = !saved;
  $("#tokens-next").hidden = !saved;
  $("#tokens-back").hidden = !state.returnTo;
  renderMismatch();
}

function renderMismatch() {
  const line = $("#company-mismatch");
  const text = state.setup && state.setup.company_mismatch;
  line.textContent = text || "";
  line.hidden = !text;
}

async function submitTokens(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const names = ["rackbeat_api_token", "tripletex_consumer_token", "tripletex_employee_token"];
  if (!requireFields(form, names)) return;
  const body = {};
  names.forEach((n) => { body[n] = form.elements[n].value.trim(); });
  const button = $("#tokens-submit");
  button.disabled = true;
  button.textContent = t("checking");
  $("#checks").replaceChildren();
  $("#tokens-next").hidden = true;
  $("#tokens-saved").hidden = true;
  try {
    const report = await api("PUT", tenantPath("/credentials"), body);
    if (report.confirmation_required) return;
    renderChecks($("#checks"), report.checks);
    // The tokens are stored server-side now; the page does not need them any more.
    names.forEach((n) => { form.elements[n].value = ""; });
    const ok = document.createElement("li");
    ok.className = "ok summary";
    ok.textContent = t("tokens_ok");
    $("#checks").append(ok);
    state.setup = await api("GET", langQuery(tenantPath("/setup")));
    renderMismatch();
    $("#tokens-next").hidden = false;
    $("#tokens-next").focus();
  } catch (e) {
    if (e.status === 422 && Array.isArray(e.body.checks)) {
      renderChecks($("#checks"), e.body.checks);
      placeChecks(e.body.checks, (field) => field);
    } else {
      showError(e);
    }
  } finally {
    button.disabled = false;
    button.textContent = t("check_tokens");
  }
}

// A failed check's fix goes under the token the server names in `field` (swapped tokens land on
// the right one); a check naming none (a service that did not answer) stays in the list only:
// marking a token wrong that may be right sends the user to fix the wrong thing.
function placeChecks(checks, inputFor) {
  checks.filter((c) => !c.ok && !c.advisory && c.fix && c.field && inputFor(c.field)).forEach((c) => fieldError(inputFor(c.field), c.fix));
}

// The cause first: the failed checks with a fix, then one line for the checks that could not
// run because of it, then the passed ones.
function renderChecks(list, checks) {
  list.replaceChildren();
  const notRun = checks.filter((c) => !c.ok && !c.fix && !c.advisory);
  const failed = checks.filter((c) => !c.ok && !notRun.includes(c));
  failed.forEach((check) => list.append(checkLine(check)));
  if (notRun.length) list.append(notRunLine(notRun));
  checks.filter((c) => c.ok).forEach((check) => list.append(checkLine(check)));
}

function checkLine(check) {
  const li = document.createElement("li");
  li.className = check.ok ? "ok" : "fail";
  li.dataset.check = check.id;
  const label = document.createElement("strong");
  label.textContent = (check.ok ? "✓ " : "✗ ") + check.label;
  li.append(label);
  if (check.detail) li.append(document.createTextNode(" — " + check.detail));
  if (!check.ok && check.fix) {
    const fix = document.createElement("div");
    fix.className = "fix";
    fix.textContent = check.fix;
    li.append(fix);
  }
  return li;
}

function notRunLine(notRun) {
  const li = document.createElement("li");
  li.className = "muted";
  li.dataset.check = "not_run";
  li.textContent = t("checks_not_run", { count: notRun.length, names: notRun.map((c) => c.label).join(", ") });
  return li;
}

// ---------- step: prerequisites ----------
async function loadPrerequisites() {
  renderPrerequisites(await api("GET", tenantPath("/prerequisites")));
}

function renderPrerequisites(p) {
  const found = $("#prereq-found");
  found.replaceChildren();
  const groups = [
    ["customer_groups", p.rackbeat.customer_groups],
    ["supplier_groups", p.rackbeat.supplier_groups],
    ["product_groups", p.rackbeat.product_groups],
    ["payment_terms", p.rackbeat.payment_terms],
  ];
  groups.forEach(([key, items]) => {
    const h = document.createElement("h3");
    h.textContent = t(key);
    const ul = document.createElement("ul");
    ul.dataset.list = key;
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = t("none_found");
      ul.append(li);
    }
    items.forEach((item) => {
      const li = document.createElement("li");
      let text = item.number + " " + item.name;
      if ("has_inventory" in item) text += " (" + t(item.has_inventory ? "stock" : "service") + ")";
      li.textContent = text;
      ul.append(li);
    });
    found.append(h, ul);
  });
  $("#prereq-counts").textContent = t("counts", p.tripletex_counts);
  const missing = p.missing || [];
  $("#prereq-missing").hidden = missing.length === 0;
  $("#prereq-complete").hidden = missing.length !== 0;
  $("#prereq-missing-text").textContent = t("missing", { kinds: missing.map((k) => t("kind_" + k)).join(", ") });
  state.missing = missing;
}

async function createGroups() {
  clearErrors();
  try {
    renderPrerequisites(await api("POST", tenantPath("/prerequisites/groups"), { kinds: state.missing }));
  } catch (e) { showError(e); }
}

// ---------- step: initial sync ----------
const POLL_MS = 1000;
const FINISHED = ["completed", "completed_with_failures"];

function fillSelect(select, items, preferred) {
  select.replaceChildren();
  items.forEach((item) => {
    const option = document.createElement("option");
    option.value = item.number;
    option.textContent = item.number + " " + item.name;
    select.append(option);
  });
  if (preferred !== undefined && preferred !== null) select.value = preferred;
}

async function loadInitialSync() {
  clearErrors($("#import-form"));
  const status = await api("GET", tenantPath("/initial-sync"));
  if (status.state !== "not_started") {
    lockImport(status);
    if (FINISHED.includes(status.state)) await showImportResult(status);
    else pollImport();
    return;
  }
  const [p, terms] = await Promise.all([
    api("GET", tenantPath("/prerequisites")),
    api("GET", langQuery(tenantPath("/setup/payment-terms"))),
  ]);
  const rb = p.rackbeat;
  fillSelect($("#customer_group"), rb.customer_groups);
  fillSelect($("#supplier_group"), rb.supplier_groups);
  const stock = rb.product_groups.find((g) => g.has_inventory);
  const service = rb.product_groups.find((g) => !g.has_inventory);
  fillSelect($("#product_group"), rb.product_groups, stock && stock.number);
  fillSelect($("#service_group"), rb.product_groups, service && service.number);
  // Without the groups the import has nowhere to put the records: say so, not a raw number error.
  const missing = p.missing || [];
  $("#import-no-groups").hidden = missing.length === 0;
  $("#import-no-groups").textContent = t("no_groups", { kinds: missing.map((k) => t("kind_" + k)).join(", ") });
  ["#import-start", "#import-preview"].forEach((id) => {
    if (missing.length) $(id).dataset.blocked = "groups"; else delete $(id).dataset.blocked;
    $(id).disabled = missing.length > 0;
  });
  state.paymentTerms = rb.payment_terms;
  fillSelect($("#terms_default"), rb.payment_terms, terms.default);
  state.terms = terms.by_days;
  const rows = $("#terms-by-days");
  rows.replaceChildren();
  terms.by_days.forEach((row) => {
    const tr = document.createElement("tr");
    const label = document.createElement("td");
    const id = "terms-days-" + row.days;
    const labelEl = document.createElement("label");
    labelEl.htmlFor = id;
    labelEl.className = "check";
    labelEl.textContent = t(row.customers === 1 ? "terms_row_one" : "terms_row", { days: row.days, customers: row.customers });
    label.append(labelEl);
    const cell = document.createElement("td");
    const select = document.createElement("select");
    select.id = id;
    select.name = String(row.days);
    select.dataset.days = String(row.days);
    const none = document.createElement("option");
    none.value = "";
    none.textContent = t("use_default");
    select.append(none);
    rb.payment_terms.forEach((term) => {
      const option = document.createElement("option");
      option.value = term.number;
      option.textContent = term.number + " " + term.name;
      select.append(option);
    });
    select.value = row.term || "";
    select.addEventListener("change", renderMapping);
    cell.append(select);
    tr.append(label, cell);
    rows.append(tr);
  });
  renderMapping();
}

// One sentence per day value: which Rackbeat term those customers get, as chosen now.
function mappingSentences() {
  const form = $("#import-form");
  const name = (number) => { const term = state.paymentTerms.find((x) => String(x.number) === String(number)); return term ? term.name : number; };
  return state.terms.map((row) => {
    const select = form.querySelector('select[data-days="' + row.days + '"]');
    const chosen = select && select.value ? select.value : null;
    if (chosen === row.term && row.text) return row.text;
    const key = row.customers === 1 ? "terms_chosen_one" : "terms_chosen";
    return t(key, { customers: row.customers, days: row.days, term: name(chosen || form.elements["default"].value) });
  });
}

function renderMapping() {
  const list = $("#terms-mapping");
  list.replaceChildren();
  mappingSentences().forEach((sentence) => {
    const li = document.createElement("li");
    li.textContent = sentence;
    list.append(li);
  });
}

function importBody() {
  const form = $("#import-form");
  const byDays = {};
  form.querySelectorAll("select[data-days]").forEach((s) => { if (s.value) byDays[s.dataset.days] = Number(s.value); });
  return {
    entities: Array.from(form.querySelectorAll('input[name="entity"]:checked')).map((c) => c.value),
    customer_group: Number(form.customer_group.value),
    supplier_group: Number(form.supplier_group.value),
    product_group: Number(form.product_group.value),
    service_group: Number(form.service_group.value),
    payment_terms: { default: Number(form.elements["default"].value), by_days: byDays },
    employees: form.employees.checked,
  };
}

function importChoicesOk(body) {
  if (body.entities.length) return true;
  fieldError("entities", t("pick_entity"));
  return false;
}

function failureLabel(f) {
  return [t("entity_" + f.entity), f.number || f.key, f.name].filter(Boolean).join(" ");
}

function renderFailures(list, failures, retry) {
  list.replaceChildren();
  failures.forEach((f) => {
    const li = document.createElement("li");
    li.className = "fail";
    li.dataset.failure = f.entity + ":" + f.key;
    const label = document.createElement("strong");
    label.textContent = "✗ " + failureLabel(f);
    li.append(label, document.createTextNode(" — " + f.message));
    const fix = document.createElement("div");
    fix.className = "fix";
    fix.textContent = f.suggested_fix;
    li.append(fix);
    if (retry) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link retry-one";
      button.textContent = t("retry_one");
      button.setAttribute("aria-label", t("retry_one") + ": " + failureLabel(f));
      button.addEventListener("click", () => retryFailures({ keys: [{ source: f.source, entity: f.entity, key: f.key }] }, button));
      li.append(button);
    }
    list.append(li);
  });
}

// Rackbeat cannot create a currency through its API, so this is a sentence, not a button: one
// per currency the account lacks, or per foreign currency when Rackbeat did not list its own.
function renderCurrencies(report) {
  let list = $("#preview-currencies");
  if (!list) {
    list = document.createElement("ul");
    list.id = "preview-currencies";
    list.className = "checks";
    $("#preview-mapping").after(list);
  }
  list.replaceChildren();
  const missing = report.missing_currencies || [];
  Object.entries(report.foreign_currencies || {}).forEach(([currency, count]) => {
    if (report.currencies_checked && !missing.includes(currency)) return;
    const li = document.createElement("li");
    li.className = "fix";
    li.textContent = t(report.currencies_checked ? "preview_currency_missing" : "preview_currency_unchecked", { count, currency });
    list.append(li);
  });
  list.hidden = !list.children.length;
}

async function previewImport() {
  const form = $("#import-form");
  clearErrors(form);
  const body = importBody();
  if (!importChoicesOk(body)) return;
  const button = $("#import-preview");
  button.disabled = true;
  button.textContent = t("previewing");
  try {
    const report = await api("POST", tenantPath("/initial-sync?dry_run=true"), body);
    const rows = $("#preview-counts");
    rows.replaceChildren();
    Object.entries(report.entities).forEach(([entity, c]) => {
      const tr = document.createElement("tr");
      tr.dataset.entity = entity;
      [t("entity_" + entity), c.total, c.would_create, c.would_link, c.would_fail].forEach((value) => {
        const td = document.createElement("td");
        td.textContent = String(value);
        tr.append(td);
      });
      rows.append(tr);
    });
    const mapping = $("#preview-mapping");
    mapping.replaceChildren();
    mappingSentences().forEach((sentence) => {
      const li = document.createElement("li");
      li.textContent = sentence;
      mapping.append(li);
    });
    renderFailures($("#preview-failures"), report.failures, false);
    // Units Rackbeat lacks fail every product that uses them: one fix for all of them.
    const units = report.missing_units || [];
    $("#preview-missing-units-box").hidden = units.length === 0;
    $("#preview-missing-units").textContent = t("missing_units", { units: units.join(", ") });
    state.missingUnits = units;
    renderCurrencies(report);
    if (!report.failures.length) {
      const ok = document.createElement("li");
      ok.className = "ok";
      ok.textContent = t("preview_ok");
      $("#preview-failures").append(ok);
    }
    $("#import-preview-result").hidden = false;
    // The result is below the form: bring it into view for the user to read.
    $("#import-preview-result h3").setAttribute("tabindex", "-1");
    $("#import-preview-result h3").focus();
  } catch (e) { showError(e); } finally {
    button.disabled = false;
    button.textContent = t("preview");
  }
}

// Like "create them for me" for the groups: the server makes only the units still missing (a
// second click makes none), then the preview runs again to show what the import would do now.
async function createUnits() {
  clearErrors();
  const button = $("#create-units");
  button.disabled = true;
  try {
    await api("POST", tenantPath("/prerequisites/units"), { names: state.missingUnits });
    await previewImport();
  } catch (e) { showError(e); } finally {
    button.disabled = false;
  }
}

async function startImport(event) {
  event.preventDefault();
  const form = $("#import-form");
  clearErrors(form);
  const body = importBody();
  if (!importChoicesOk(body)) return;
  $("#import-start").disabled = true;
  try {
    await api("POST", tenantPath("/initial-sync"), body);
    form.hidden = true;
    $("#import-preview-result").hidden = true;
    pollImport();
  } catch (e) {
    if (e.status === 409) { await loadInitialSync(); return; }
    showError(e);
  } finally { $("#import-start").disabled = false; }
}

function lockImport(status) {
  $("#import-form").hidden = true;
  $("#import-preview-result").hidden = true;
  $("#import-no-groups").hidden = true;
  const locked = $("#import-locked");
  locked.textContent = t("import_locked", { started: formatWhen(status.started_at) });
  locked.hidden = false;
  document.querySelector('#progress li[data-step="initial_sync"]').classList.add("locked");
}

function renderProgress(status) {
  const totals = Object.values(status.entities || {});
  const total = totals.reduce((n, e) => n + e.total, 0);
  const done = totals.reduce((n, e) => n + e.done, 0);
  $("#import-progress").hidden = false;
  const bar = $("#import-bar");
  const finished = FINISHED.includes(status.state);
  // Until the first records are done the import is planning (counting pages in Tripletex): the
  // bar moves without a number and the estimate is not shown, rather than 0 % for a minute.
  const planning = !finished && (status.state === "planned" || done === 0);
  if (planning) bar.removeAttribute("value"); else bar.value = status.percent_done;
  bar.setAttribute("aria-label", t("import_heading"));
  let text = planning ? t("import_planning") : t("import_running", { done: done, total: total, percent: Math.round(status.percent_done) });
  if (!planning && !finished && status.estimated_seconds_left) text += " " + t("import_eta", { seconds: Math.ceil(status.estimated_seconds_left) });
  $("#import-progress-text").textContent = text;
  $("#import-close").hidden = finished;
}

async function pollImport() {
  let status;
  try { status = await api("GET", tenantPath("/initial-sync")); } catch (e) { showError(e); return; }
  renderProgress(status);
  if (FINISHED.includes(status.state)) { await showImportResult(status); return; }
  if ($("#step-initial_sync").hidden) return;  // the user moved on; the import continues anyway
  setTimeout(pollImport, POLL_MS);
}

async function showImportResult(status) {
  renderProgress(status);
  const done = Object.values(status.entities || {}).reduce((n, e) => n + e.done, 0);
  $("#import-result-text").textContent = t("import_" + status.state, { done: done, failed: status.failed });
  $("#import-result-text").className = status.failed ? "warning" : "ok";
  const failures = (await api("GET", tenantPath("/failures"))).failures.filter((f) => f.source === "initial_sync");
  renderFailures($("#import-failures"), failures, false);
  $("#import-result").hidden = false;
  $("#import-next").hidden = false;
}

// ---------- dates: Norwegian or English, Oslo time ----------
function formatWhen(value) {
  return new Date(value).toLocaleString(state.lang === "nb" ? "nb-NO" : "en-GB", {
    timeZone: "Europe/Oslo", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

// ---------- step: settings ----------
// The streams as the server offers them; a stream with choices of its own (its `section`) gets
// that section's controls under its box, shown while the box is ticked.
function renderStreams(chosen) {
  ["to_tripletex", "to_rackbeat"].forEach((direction) => {
    const box = $("#streams-" + direction);
    box.querySelectorAll("label.check, p.explain").forEach((el) => el.remove());
  });
  (state.setup ? state.setup.streams : []).forEach((stream) => {
    const label = document.createElement("label");
    label.className = "check";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = stream.name;
    input.dataset.stream = "";
    input.checked = chosen ? Boolean(chosen[stream.name]) : stream.default;
    input.setAttribute("aria-describedby", "explain-" + stream.name + " err-streams");
    const span = document.createElement("span");
    span.textContent = " " + stream.label;
    label.append(input, span);
    const explain = document.createElement("p");
    explain.className = "explain muted";
    explain.id = "explain-" + stream.name;
    explain.textContent = stream.explain;
    $("#streams-" + stream.direction).append(label, explain);
    const options = stream.section && document.getElementById("options-" + stream.section);
    if (!options) return;
    explain.after(options);
    input.setAttribute("aria-controls", options.id);
    const toggle = () => {
      options.hidden = !input.checked;
      if (input.checked && stream.section === "stock_value") loadChart().catch(showChartError);
    };
    input.addEventListener("change", toggle);
    toggle();
  });
}

// The company's active accounts, read from Tripletex once per page and only when the stock value
// is ticked: the settings page must not depend on the ledger for tenants who never post to it.
async function loadChart() {
  if (!state.chart) {
    ["#inventory_account", "#offset_account"].forEach((id) => placeholderOption($(id), t("accounts_loading")));
    state.chart = api("GET", tenantPath("/ledger/accounts")).catch((e) => { state.chart = null; throw e; });
  }
  const chart = await state.chart;
  const chosen = state.stockValue || {};
  [["#inventory_account", "inventory_account"], ["#offset_account", "offset_account"]].forEach(([id, field]) => {
    const select = $(id);
    if (select.dataset.filled) return;
    placeholderOption(select, t("pick_account"));
    chart.accounts.forEach((account) => {
      const option = document.createElement("option");
      option.value = account.number;
      option.textContent = account.number + " " + account.name;
      select.append(option);
    });
    select.value = chosen[field] ? String(chosen[field]) : "";
    select.dataset.filled = "true";
  });
}

function placeholderOption(select, text) {
  const none = document.createElement("option");
  none.value = "";
  none.textContent = text;
  select.replaceChildren(none);
}

function showChartError(e) {
  const slot = $('.field-error[data-for="stock_value"]');
  slot.textContent = e.message;
}

// The form as the user left it, in the shape PUT /settings takes. Sections the page does not
// show (and fields of a section it does not edit) are carried over as saved: a save replaces
// the whole settings.
function readSettings(form) {
  const saved = state.settings || {};
  const streams = {};
  form.querySelectorAll("input[data-stream]").forEach((box) => { streams[box.name] = box.checked; });
  const stockValue = Object.assign({}, saved.stock_value || {}, { schedule: form.schedule.value });
  // Until the chart is read, the account lists are empty: the saved accounts stand.
  if (form.inventory_account.dataset.filled) {
    stockValue.inventory_account = form.inventory_account.value ? Number(form.inventory_account.value) : null;
    stockValue.offset_account = form.offset_account.value ? Number(form.offset_account.value) : null;
  }
  return Object.assign({}, saved, {
    streams,
    invoice_mode: form.querySelector('input[name="invoice_mode"]:checked').value,
    sync_interval_minutes: Number(form.sync_interval_minutes.value),
    notification_email: form.notification_email.value.trim(),
    stock_value: stockValue,
    purchase_orders: Object.assign({}, saved.purchase_orders || {}, { goods_receipts: form.goods_receipts.value }),
  });
}

function fillSettings(form, settings) {
  state.stockValue = settings ? settings.stock_value : null;
  const stockValue = state.stockValue || {};
  form.schedule.value = stockValue.schedule || "monthly";
  ["inventory_account", "offset_account"].forEach((field) => {
    if (form[field].dataset.filled) form[field].value = stockValue[field] ? String(stockValue[field]) : "";
  });
  form.goods_receipts.value = (settings && settings.purchase_orders && settings.purchase_orders.goods_receipts) || "off";
  renderStreams(settings ? settings.streams : null);
  if (!settings) return;
  form.querySelector('input[name="invoice_mode"][value="' + settings.invoice_mode + '"]').checked = true;
  form.sync_interval_minutes.value = settings.sync_interval_minutes;
  form.notification_email.value = settings.notification_email;
}

// `keep`: the language changed; the labels come again in it, the user's unsaved choices stay.
async function loadSettings(options) {
  const form = $("#settings-form");
  const kept = options && options.keep && form.querySelector("input[data-stream]") ? readSettings(form) : null;
  const [tenant, view, setup] = await Promise.all([
    api("GET", tenantPath("")), api("GET", tenantPath("/settings")), api("GET", langQuery(tenantPath("/setup"))),
  ]);
  state.tenant = tenant;
  state.setup = setup;
  state.settings = view.settings;
  $("#settings-tenant").textContent = t("settings_for", { company: tenant.company_name });
  $("#relink-warning").hidden = tenant.status !== "needs_relink";
  $("#verify-pending").hidden = tenant.email_verified;
  $("#verify-pending-text").textContent = t("verify_pending", { email: tenant.contact_email });
  $("#last-used").hidden = !tenant.session;
  if (tenant.session) {
    $("#last-used").textContent = t("last_used", { when: formatWhen(tenant.session.last_used_at), ends: formatWhen(tenant.session.expires_at) });
  }
  $("#settings-saved").hidden = true;
  $("#settings-back").hidden = tenant.settings_saved;
  $("#settings-cockpit").hidden = !tenant.settings_saved;
  // The account lists are worded in the page's language ("choose an account"): made again, and
  // the chart read again when the page is opened anew (an account may have been added).
  ["inventory_account", "offset_account"].forEach((field) => { delete form[field].dataset.filled; });
  if (!kept) state.chart = null;
  fillSettings(form, kept || view.settings);
  if (!kept && !view.settings && !form.notification_email.value) form.notification_email.value = tenant.contact_email;
}

// What the page can tell before asking the server: a ticked stock value needs two different accounts.
function stockValueOk(body) {
  const name = stockValueStream();
  if (!name || !body.streams[name]) return true;
  let ok = true;
  if (!body.stock_value.inventory_account) { fieldError("inventory_account", t("err_pick_account")); ok = false; }
  if (!body.stock_value.offset_account) { fieldError("offset_account", t("err_pick_account")); ok = false; }
  else if (body.stock_value.offset_account === body.stock_value.inventory_account) {
    fieldError("offset_account", t("err_same_account"));
    ok = false;
  }
  return ok;
}

function stockValueStream() {
  const stream = (state.setup ? state.setup.streams : []).find((s) => s.section === "stock_value");
  return stream ? stream.name : null;
}

async function submitSettings(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!requireFields(form, ["notification_email"])) return;
  const body = readSettings(form);
  if (!Object.values(body.streams).some(Boolean)) {
    fieldError("streams", t("pick_stream"));
    form.querySelector("input[data-stream]").focus();
    return;
  }
  if (!stockValueOk(body)) return;
  try {
    const saved = await api("PUT", tenantPath("/settings"), body);
    if (saved.confirmation_required) return;
    state.settings = saved.settings;
    state.stockValue = saved.settings.stock_value;
    const firstTime = state.tenant && !state.tenant.settings_saved;
    if (firstTime) {
      $("#done-text").textContent = saved.settings_link_sent_to ? t("done_text", { email: saved.settings_link_sent_to }) : "";
      show("done");
      return;
    }
    const note = $("#settings-saved");
    note.textContent = saved.settings_link_sent_to ? t("link_sent", { email: saved.settings_link_sent_to }) : t("settings_saved");
    note.hidden = false;
    state.tenant = await api("GET", tenantPath(""));
  } catch (e) {
    if (e.status === 422 && !(e.body.detail || []).length) { fieldError("streams", e.message); return; }
    showError(e);
  }
}

async function rotateToken() {
  if (!window.confirm(t("rotate_confirm"))) return;
  try {
    const answer = await api("POST", tenantPath("/management-token"));
    forget();
    globalError(answer.message);
  } catch (e) { showError(e); }
}

// ---------- the cockpit ----------
async function loadCockpit() {
  const view = await api("GET", langQuery(tenantPath("/cockpit")));
  state.cockpit = view;
  $("#cockpit-company").textContent = view.company_name;
  const status = $("#cockpit-status");
  status.textContent = view.status_text;
  status.className = view.status === "active" ? "ok" : "warning";
  const fix = $("#fix-token-form");
  fix.hidden = !view.dead_token;
  if (view.dead_token) $("#fix-token-label").textContent = t("fix_label_" + view.dead_token);
  $("#cockpit-all-tokens").hidden = !(view.status === "needs_relink" && !view.dead_token);
  const rows = $("#cockpit-streams");
  rows.replaceChildren();
  view.streams.filter((s) => s.enabled || s.last_success_at || s.open_failures).forEach((s) => {
    const tr = document.createElement("tr");
    tr.dataset.stream = s.name;
    const last = s.last_success_text ? s.last_success_text + " (" + ago(s.lag_seconds) + ")" : t("never");
    [s.label, s.enabled ? last : t("off"), s.records_today, s.open_failures].forEach((value) => {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    });
    rows.append(tr);
  });
  const runs = $("#sync-runs");
  runs.replaceChildren();
  view.history.forEach((row) => {
    const tr = document.createElement("tr");
    const what = row.what + " (" + row.how + (row.deliveries > 1 ? ", " + row.deliveries + "×" : "") + ")";
    [row.when, what, row.written, row.failed].forEach((value) => {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    });
    runs.append(tr);
  });
  $("#sync-runs-empty").hidden = view.history.length > 0;
  const failures = (await api("GET", tenantPath("/failures"))).failures;
  renderFailures($("#sync-failures"), failures, true);
  $("#sync-failures-empty").hidden = failures.length > 0;
  $("#retry-failures").hidden = failures.length === 0;
  await loadWebhooks();
  $("#offboard-label").textContent = t("offboard_label", { company: view.company_name });
  reconResult("");  // an earlier click's result is worded in the language of then
  state.reconciliationUrl = view.reconciliation_url || null;
  $("#reconciliation").hidden = !state.reconciliationUrl;
  if (state.reconciliationUrl) await loadReconciliation();
}

// How far behind a stream is: the time since its last successful run, in whole units.
function ago(seconds) {
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 60) return t("ago_minutes", { n: minutes });
  if (minutes < 48 * 60) return t("ago_hours", { n: Math.round(minutes / 60) });
  return t("ago_days", { n: Math.round(minutes / 1440) });
}

// ---------- the reconciliation panel ----------
// A calendar day (YYYY-MM-DD) as the rest of the page writes dates: "30. november 2026".
function formatDay(day) {
  return new Date(day + "T12:00:00Z").toLocaleDateString(state.lang === "nb" ? "nb-NO" : "en-GB", {
    timeZone: "UTC", day: "numeric", month: "long", year: "numeric",
  });
}

// Today in Oslo, `back` days earlier, as a date input wants it (YYYY-MM-DD).
function osloDay(back) {
  const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Oslo" });
  const day = new Date(today + "T12:00:00Z");
  day.setUTCDate(day.getUTCDate() - (back || 0));
  return day.toISOString().slice(0, 10);
}

function gapWhat(gap) {
  return t("recon_what_" + gap.entity, { key: gap.key });
}

async function loadReconciliation() {
  const report = await api("GET", langQuery(state.reconciliationUrl));
  // The nightly check covers yesterday; a day or a period the user chose stays chosen.
  if (!$("#recon_day").value) $("#recon_day").value = osloDay(1);
  if (!$("#recon_from").value) $("#recon_from").value = osloDay(7);
  if (!$("#recon_to").value) $("#recon_to").value = osloDay(1);
  const latest = report.days.slice().sort((a, b) => (a.checked_at < b.checked_at ? 1 : -1))[0];
  $("#recon-last").textContent = latest
    ? t("recon_last", {
      when: formatWhen(latest.checked_at), day: formatDay(latest.day),
      invoices: latest.invoices, customers: latest.customers, products: latest.products,
    }) + " " + gapCount(latest.gaps)
    : t("recon_never");
  $("#recon-last").className = latest && latest.gaps ? "warning" : latest ? "ok" : "muted";
  const rows = $("#recon-gaps");
  rows.replaceChildren();
  // Newest day first, as the user reads a report.
  report.gaps.slice().reverse().forEach((gap) => rows.append(gapRow(gap)));
  $("#recon-gaps-table").hidden = report.gaps.length === 0;
}

function gapCount(count) {
  if (!count) return t("recon_last_clean");
  return count === 1 ? t("recon_last_gap") : t("recon_last_gaps", { gaps: count });
}

function gapRow(gap) {
  const tr = document.createElement("tr");
  tr.dataset.gap = gap.gap_id;
  tr.dataset.kind = gap.kind;
  const day = document.createElement("td");
  day.textContent = formatDay(gap.day);
  const what = document.createElement("td");
  what.textContent = gapWhat(gap);
  const difference = document.createElement("td");
  const kind = document.createElement("strong");
  kind.textContent = t("recon_kind_" + gap.kind);
  difference.append(kind);
  // The server's sentence carries the values (totals, VAT rate, fields); the label alone without it.
  if (gap.summary) difference.append(document.createTextNode(" — " + gap.summary));
  if (gap.fix) {
    const fix = document.createElement("div");
    fix.className = "fix";
    fix.textContent = gap.fix;
    difference.append(fix);
  }
  if (gap.resent_at) {
    const resent = document.createElement("div");
    resent.className = "muted";
    resent.textContent = t("recon_resent_at", { when: formatWhen(gap.resent_at) });
    difference.append(resent);
  }
  const action = document.createElement("td");
  if (gap.resendable) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "resend-gap";
    button.textContent = t("recon_resend");
    button.setAttribute("aria-label", t("recon_resend_named", { what: gapWhat(gap) }));
    button.addEventListener("click", () => resendGap(gap, button));
    action.append(button);
  }
  tr.append(day, what, difference, action);
  return tr;
}

function reconResult(message, warning) {
  const line = $("#recon-result");
  line.textContent = message;
  line.className = warning ? "warning" : "ok";
}

async function resendGap(gap, button) {
  clearErrors($("#reconciliation"));
  reconResult("");
  button.disabled = true;
  try {
    const queued = await api("POST", tenantPath("/reconciliation/resend"), { gap_ids: [gap.gap_id] });
    const what = gapWhat(gap);
    if (queued.resent.includes(gap.gap_id)) reconResult(t("recon_resent_one", { what }));
    else if (queued.not_resendable.includes(gap.gap_id)) reconResult(t("recon_not_resendable", { what }), true);
    else reconResult(t("recon_gone", { what }), true);
    await loadReconciliation();
    // The row was drawn again: focus goes to its new button, or to the result when it is gone.
    const again = document.querySelector('#recon-gaps tr[data-gap="' + gap.gap_id + '"] button');
    (again || $("#recon-result")).focus();
  } catch (e) { showError(e); } finally { button.disabled = false; }
}

async function checkDay(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  reconResult("");
  if (!requireFields(form, ["recon_day"])) return;
  const button = $("#recon-check");
  button.disabled = true;
  button.textContent = t("recon_checking");
  try {
    const report = await api("POST", tenantPath("/reconciliation/check"), { day: form.recon_day.value });
    await loadReconciliation();
    reconResult(t("recon_checked", { day: formatDay(report.day.day), result: gapCount(report.gaps.length) }), report.gaps.length > 0);
  } catch (e) {
    if (e.status === 422) fieldError("recon_day", reconProblem(e));
    else showError(e);
  } finally {
    button.disabled = false;
    button.textContent = t("recon_check");
  }
}

// A refused request's own words, without the "body:" the validator puts before them.
function reconProblem(error) {
  const detail = (error.body.detail || [])[0];
  return detail && detail.message ? detail.message : error.message;
}

async function resendRange(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  reconResult("");
  if (!requireFields(form, ["recon_from", "recon_to"])) return;
  const from = form.recon_from.value;
  const to = form.recon_to.value;
  const span = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
  if (!(span >= 1 && span <= 31)) { fieldError("recon_to", t("recon_range_bad")); return; }
  const button = $("#recon-range-send");
  button.disabled = true;
  try {
    const queued = await api("POST", tenantPath("/reconciliation/resend"), { date_from: from, date_to: to });
    const period = { from: formatDay(from), to: formatDay(to), count: queued.resent.length };
    let message = !queued.resent.length ? t("recon_range_nothing", period)
      : t(queued.resent.length === 1 ? "recon_range_queued_one" : "recon_range_queued", period);
    if (queued.not_resendable.length) message += " " + t("recon_range_duplicates", { count: queued.not_resendable.length });
    await loadReconciliation();
    reconResult(message, queued.not_resendable.length > 0);
  } catch (e) {
    if (e.status === 422) fieldError("recon_to", reconProblem(e));
    else showError(e);
  } finally { button.disabled = false; }
}

// One line on how changes reach us, and Rackbeat's reason for each event it refused.
async function loadWebhooks() {
  const status = await api("GET", tenantPath("/webhooks"));
  const line = $("#webhook-status");
  const key = status.registered === status.wanted ? "webhooks_all" : status.registered ? "webhooks_some" : "webhooks_none";
  line.textContent = t(key, { registered: status.registered, wanted: status.wanted, minutes: status.scheduled_sync_every_minutes || "?" });
  line.className = status.registered === status.wanted ? "ok" : "muted";
  line.hidden = false;
  const list = $("#webhook-events");
  list.replaceChildren();
  const named = state.cockpit ? state.cockpit.webhooks : [];
  named.filter((e) => e.state !== "registered").forEach((e) => {
    const li = document.createElement("li");
    li.dataset.event = e.event;
    li.textContent = e.event + ": " + e.state_text + (e.reason ? " — " + e.reason : "");
    list.append(li);
  });
}

async function retryFailures(body, button) {
  clearErrors();
  const clicked = button || $("#retry-failures");
  clicked.disabled = true;
  try {
    const queued = await api("POST", tenantPath("/failures/retry"), body || { all: true });
    const note = $("#retry-result");
    note.textContent = t("retry_done", { count: queued.enqueued });
    note.hidden = false;
  } catch (e) { showError(e); } finally { clicked.disabled = false; }
}

// A dead token: only that one is asked for; the server keeps the others.
async function fixToken(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!requireFields(form, ["fix_token"])) return;
  const field = state.cockpit.dead_token;
  const body = {};
  body[field] = form.fix_token.value.trim();
  $("#fix-token-submit").disabled = true;
  try {
    const report = await api("PATCH", tenantPath("/credentials"), body);
    if (report.confirmation_required) return;
    form.fix_token.value = "";
    $("#fix-checks").replaceChildren();
    await loadCockpit();
    notice(t("tokens_ok"));
  } catch (e) {
    if (e.status === 422 && Array.isArray(e.body.checks)) {
      renderChecks($("#fix-checks"), e.body.checks.filter((c) => !c.ok && !c.advisory));
      placeChecks(e.body.checks, (named) => (named === field ? "fix_token" : null));
    } else showError(e);
  } finally { $("#fix-token-submit").disabled = false; }
}

async function offboard(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!requireFields(form, ["confirm_company_name"])) return;
  try {
    const answer = await api("DELETE", tenantPath(""), { confirm_company_name: form.confirm_company_name.value.trim() });
    if (answer.confirmation_required) return;
    forget();
    show("deleted");
  } catch (e) {
    if (e.status === 422 && !(e.body.detail || []).length) { fieldError("confirm_company_name", e.message); return; }
    showError(e);
  }
}

const LOADERS = { tokens: loadTokens, prerequisites: loadPrerequisites, initial_sync: loadInitialSync, settings: loadSettings, cockpit: loadCockpit };

async function resendVerification() {
  try { notice((await api("POST", tenantPath("/email-verification"))).message); } catch (e) { showError(e); }
}

async function requestSignIn(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!requireFields(form, ["sign_in_email"])) return;
  try {
    notice((await api("POST", "sign-in", { email: form.sign_in_email.value.trim() })).message);
  } catch (e) { showError(e); }
}

// ---------- emailed links: #verify, #sign-in and #confirm carry ?tenant=...&code=... ----------
async function openEmailedLink(hash) {
  const page = hash.slice(1, hash.indexOf("?") > 0 ? hash.indexOf("?") : undefined);
  const params = new URLSearchParams(hash.slice(hash.indexOf("?") + 1));
  const body = { tenant_id: params.get("tenant") || "", code: params.get("code") || "" };
  // The code works once: take it out of the address bar before it is used.
  history.replaceState(null, "", location.pathname);
  try {
    if (page === "sign-in" || page === "verify") {
      // A verification link is also the "continue setup" link: it signs this browser in.
      const session = await api("POST", page === "verify" ? "sessions/setup" : "sessions", body);
      state.tenantId = session.tenant_id;
      state.token = session.session_token;
      remember();
      await resume();
      if (session.message) notice(session.message);
      return;
    }
    const answer = await api("POST", "confirmations", body);
    notice(answer.message);
    if (state.tenantId && state.token) await resume({ keepMessages: true }); else show("company", { keepMessages: true });
  } catch (e) {
    if (state.tenantId && state.token) await resume().catch(() => show("company")); else show("company");
    globalError(e.message);
  }
}

// ---------- the settings link: #settings?tenant=...&token=... ----------
function openFromLink() {
  const hash = location.hash || "";
  if (/^#(verify|sign-in|confirm)\?/.test(hash)) { openEmailedLink(hash); return true; }
  if (!hash.startsWith("#settings")) return false;
  const params = new URLSearchParams(hash.slice(hash.indexOf("?") + 1));
  if (params.get("tenant") && params.get("token")) {
    state.tenantId = params.get("tenant");
    state.token = params.get("token");
    remember();
    // Take the token out of the address bar (and so out of history and screenshots).
    history.replaceState(null, "", location.pathname);
  }
  if (!state.tenantId || !state.token) return false;
  resume().catch(showError);
  return true;
}

function onPopState(event) {
  const step = event.state && event.state.step;
  if (!step) return;
  // Before the tenant exists only the first page makes sense; after it, never the first page.
  if (state.tenantId && state.token && (step === "company" || step === "token-shown")) { resume({ push: false }).catch(showError); return; }
  if (["prerequisites", "initial_sync"].includes(FLOW[FLOW.indexOf(step)]) && state.step && FLOW.indexOf(step) < FLOW.indexOf(state.step)) {
    back(FLOW[FLOW.indexOf(step) + 1]);
    return;
  }
  show(step, { push: false });
}

function start() {
  applyLanguage();
  linkErrors();
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => {
    state.lang = b.dataset.lang;
    sessionStorage.setItem("lang", state.lang);
    applyLanguage();
    // What the server words (streams, status, mapping) comes again in the new language.
    // A reload the user has since left (the integration deleted meanwhile) says nothing.
    const step = state.step;
    if (step && LOADERS[step] && step !== "initial_sync") {
      LOADERS[step]({ keep: true }).catch((e) => { if (state.step === step && state.token) showError(e); });
    }
    else if (state.step === "initial_sync") renderMapping();
  }));
  $("#company-form").addEventListener("submit", submitCompany);
  $("#token-continue").addEventListener("click", () => { $("#management-token").textContent = ""; show("tokens"); });
  $("#tokens-form").addEventListener("submit", submitTokens);
  $("#tokens-next").addEventListener("click", () => {
    if (state.returnTo) { const to = state.returnTo; state.returnTo = null; show(to); } else next("tokens");
  });
  $("#tokens-back").addEventListener("click", () => { const to = state.returnTo || "prerequisites"; state.returnTo = null; show(to); });
  $("#create-groups").addEventListener("click", createGroups);
  $("#prereq-next").addEventListener("click", () => next("prerequisites"));
  $("#prereq-back").addEventListener("click", () => show("tokens"));
  $("#import-form").addEventListener("submit", startImport);
  $("#import-preview").addEventListener("click", previewImport);
  $("#import-back").addEventListener("click", () => back("initial_sync"));
  $("#create-units").addEventListener("click", createUnits);
  $("#terms_default").addEventListener("change", renderMapping);
  $("#import-skip").addEventListener("click", () => next("initial_sync"));
  $("#import-next").addEventListener("click", () => next("initial_sync"));
  $("#settings-back").addEventListener("click", () => back("settings"));
  $("#settings-cockpit").addEventListener("click", () => show("cockpit"));
  $("#retry-failures").addEventListener("click", () => retryFailures({ all: true }));
  $("#settings-form").addEventListener("submit", submitSettings);
  $("#edit-tokens").addEventListener("click", () => { state.returnTo = "settings"; show("tokens"); });
  $("#cockpit-all-tokens").addEventListener("click", () => { state.returnTo = "cockpit"; show("tokens"); });
  $("#rotate-token").addEventListener("click", rotateToken);
  $("#verify-resend").addEventListener("click", resendVerification);
  $("#sign-in-form").addEventListener("submit", requestSignIn);
  $("#done-cockpit").addEventListener("click", () => show("cockpit"));
  $("#cockpit-settings").addEventListener("click", () => show("settings"));
  $("#fix-token-form").addEventListener("submit", fixToken);
  $("#offboard-form").addEventListener("submit", offboard);
  $("#recon-check-form").addEventListener("submit", checkDay);
  $("#recon-range-form").addEventListener("submit", resendRange);
  window.addEventListener("hashchange", openFromLink);
  window.addEventListener("popstate", onPopState);
  if (openFromLink()) return;
  if (state.tenantId && state.token) { resume({ push: false }).catch(() => show("company")); return; }
  show("company", { push: false });
  history.replaceState({ step: "company" }, "", location.pathname);
}

document.addEventListener("DOMContentLoaded", start);
