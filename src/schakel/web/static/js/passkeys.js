// After a passkey is registered as the second step, continue where the user was going.
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = document.querySelector("input[name='next']");
  window.location.assign(next && next.value ? next.value : "/");
});
