"""登录: the only page an anonymous visitor reaches, whatever the URL."""

from pages._auth import sign_in_form

sign_in_form()
