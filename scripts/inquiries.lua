-- The single inquiries the load tests send, in turn: a realistic mix of plain lookups,
-- delmoment, a condition on an attribute, a time rule and an unknown case type.
-- Read by scripts/loadtest.sh and scripts/instructions-per-request.sh (wrk's dofile).
inquiries = {
  '{"case_type":"bygglov-status","channel":"telefon"}',
  '{"case_type":"vaxel-koppla","channel":"telefon"}',
  '{"case_type":"va-faktura","part":"avbetalning","channel":"telefon","attributes":{"belopp":12000}}',
  '{"case_type":"ekonomiskt-bistand","part":"nodprovning","channel":"telefon","time":"2026-03-02T18:30"}',
  '{"case_type":"eldning","channel":"chatt","attributes":{"akut":false}}',
  '{"case_type":"sophamtning","part":"utebliven","channel":"e-post"}',
  '{"case_type":"allmanna-handlingar","part":"sekretessprovning","channel":"besök"}',
  '{"case_type":"finns-inte","channel":"telefon"}',
}
