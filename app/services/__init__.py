"""Services hold the application logic; views and socket handlers stay thin and call them."""
