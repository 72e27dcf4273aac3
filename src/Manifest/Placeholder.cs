namespace FastBert;
