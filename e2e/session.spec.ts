import { expect, test } from '@playwright/test';
import { adminPassword, expectAccessible, screenshot, signIn, signOut } from './fixtures.ts';

test('signing in returns to the page the user asked for, and signing out ends the session', async ({ page }) => {
  await page.goto('/projects?q=lib');
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await signIn(page);
  await expect(page).toHaveURL(/\/projects\?q=lib$/);
  await signOut(page);
  await page.goto('/projects');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a wrong password is said in plain words', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(`${adminPassword}-wrong`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Sign-in failed: invalid username or password');
});

for (const redirect of ['//example.com/steal', '/\\example.com/steal', '%2F%09%2Fexample.com', 'https://example.com/']) {
  test(`a redirect to another site after sign-in is not followed (${redirect})`, async ({ page }) => {
    await page.goto(`/sign-in?redirect=${redirect}`);
    await signIn(page);
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/projects$/);
  });
}

test('the sign-in page passes an axe scan with no serious violation', async ({ page }) => {
  await page.goto('/sign-in');
  await expectAccessible(page);
  await screenshot(page, 'sign-in');
});
